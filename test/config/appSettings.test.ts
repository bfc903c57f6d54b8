import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  readActivitySettings,
  readWebhookAuthSettings,
  readWebhookSettings,
} from "../../lib/config/appSettings";

describe("app settings", () => {
  test("local.settings.example.json as shipped is valid, empty strings meaning unset", () => {
    const example = JSON.parse(
      readFileSync(path.join(__dirname, "..", "..", "local.settings.example.json"), "utf8"),
    ) as { Values: Record<string, string> };
    const webhook = readWebhookSettings(example.Values);
    expect(webhook).toMatchObject({
      ok: true,
      value: {
        CAPTURE_TIME_LIMIT_SECONDS: 300,
        CAPTURE_ALLOWED_SCOPES: [],
        CAPTURE_SUMMARIZE: true,
      },
    });
    expect(readActivitySettings(example.Values)).toMatchObject({
      ok: true,
      value: {
        AZURE_ARM_ENDPOINT: "https://management.azure.com",
        AZURE_CREDENTIAL: "default",
        CAPTURE_SESSION_LIMIT: 10000,
      },
    });
    expect(readWebhookAuthSettings(example.Values)).toMatchObject({
      ok: true,
      value: { WEBHOOK_AUTH_MODE: "key" },
    });
  });

  test("a bad value names the setting", () => {
    expect(readWebhookSettings({ CAPTURE_TIME_LIMIT_SECONDS: "20000" })).toEqual({
      ok: false,
      message: expect.stringContaining("CAPTURE_TIME_LIMIT_SECONDS"),
    });
    expect(readActivitySettings({ NOTIFY_WEBHOOK_URL: "not a url" })).toEqual({
      ok: false,
      message: expect.stringContaining("NOTIFY_WEBHOOK_URL"),
    });
  });

  test("the local credential must come with its token; Entra mode with tenant and audience", () => {
    expect(readActivitySettings({ AZURE_CREDENTIAL: "local" })).toMatchObject({
      ok: false,
      message: expect.stringContaining("AZURE_LOCAL_TOKEN"),
    });
    expect(readWebhookAuthSettings({ WEBHOOK_AUTH_MODE: "entra" })).toMatchObject({
      ok: false,
      message: expect.stringContaining("ENTRA_TENANT_ID"),
    });
    expect(
      readWebhookAuthSettings({
        WEBHOOK_AUTH_MODE: "both",
        ENTRA_TENANT_ID: "t",
        ENTRA_AUDIENCES: "api://x;11111111-1111-1111-1111-111111111111",
      }),
    ).toMatchObject({
      ok: true,
      value: { ENTRA_AUDIENCES: ["api://x", "11111111-1111-1111-1111-111111111111"] },
    });
  });

  test("secure webhook tokens are pinned to Azure Monitor's action groups app unless set", () => {
    expect(readWebhookAuthSettings({})).toMatchObject({
      ok: true,
      value: { ENTRA_ALLOWED_CLIENT_APP_IDS: ["461e8683-5575-4561-ac7f-899cc907d62a"] },
    });
    expect(readWebhookAuthSettings({ ENTRA_ALLOWED_CLIENT_APP_IDS: "a;b" })).toMatchObject({
      ok: true,
      value: { ENTRA_ALLOWED_CLIENT_APP_IDS: ["a", "b"] },
    });
  });
});
