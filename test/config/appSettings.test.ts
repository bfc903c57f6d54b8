import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  ConfigError,
  readActivitySettings,
  readOpsAuthSettings,
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
    expect(readWebhookSettings({ CAPTURE_TIME_LIMIT_SECONDS: "20000" })).toMatchObject({
      ok: false,
      message: expect.stringContaining("CAPTURE_TIME_LIMIT_SECONDS"),
    });
    expect(readActivitySettings({ NOTIFY_WEBHOOK_URL: "not a url" })).toMatchObject({
      ok: false,
      message: expect.stringContaining("NOTIFY_WEBHOOK_URL"),
    });
  });

  test("the local credential must come with its token; Entra mode with tenant and audience", () => {
    expect(
      readActivitySettings({ AZURE_CREDENTIAL: "local", APC_LOCAL_RUNTIME: "1" }),
    ).toMatchObject({
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

  test("a read looks up only its own settings, never walking the whole environment", () => {
    // Every alert and activity reads settings: a read must not cost a walk of every variable.
    const env = new Proxy<NodeJS.ProcessEnv>(
      { CAPTURE_TIME_LIMIT_SECONDS: "60", WEBHOOK_AUTH_MODE: "key", UNRELATED: "x" },
      {
        ownKeys() {
          throw new Error("the environment was enumerated");
        },
      },
    );
    expect(readWebhookSettings(env)).toMatchObject({
      ok: true,
      value: { CAPTURE_TIME_LIMIT_SECONDS: 60 },
    });
    expect(readWebhookAuthSettings(env)).toMatchObject({ ok: true });
    expect(readActivitySettings(env)).toMatchObject({ ok: true });
    // Variables outside the schema stay out of the settings, as the parse dropped them before.
    const webhook = readWebhookSettings({ UNRELATED: "x", CAPTURE_COOLDOWN_SECONDS: " " });
    expect(webhook.ok && Object.keys(webhook.value)).not.toContain("UNRELATED");
  });
});

describe("local-only settings", () => {
  const AZURITE =
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";
  const cases: Array<[setting: string, value: string]> = [
    ["AZURE_CREDENTIAL", "local"],
    ["CAPTURE_STORAGE_CONNECTION_STRING", AZURITE],
    ["CAPTURE_STORAGE_CONNECTION_STRING", "UseDevelopmentStorage=true"],
    ["AZURE_ARM_ENDPOINT", "http://127.0.0.1:8443"],
    ["ENTRA_JWKS_URL", "http://127.0.0.1:9000/keys"],
  ];
  const localExtras = { AZURE_LOCAL_TOKEN: "t" };

  test.each(cases)(
    "%s=%s is refused outside the local runtime, by every reader, as a ConfigError naming it",
    (setting, value) => {
      const env = { ...localExtras, [setting]: value };
      for (const read of [
        readActivitySettings,
        readWebhookSettings,
        readWebhookAuthSettings,
        readOpsAuthSettings,
      ]) {
        const result = read(env);
        expect(result).toMatchObject({
          ok: false,
          message: expect.stringContaining("refused outside the local runtime"),
        });
        if (result.ok) return;
        expect(result.error).toBeInstanceOf(ConfigError);
        expect(result.error.setting).toBe(setting);
        expect(result.message).not.toContain("Eby8vd"); // values are never echoed: some are secrets
      }
    },
  );

  test.each(cases)(
    "%s=%s is accepted on the local runtime (APC_LOCAL_RUNTIME=1)",
    (setting, value) => {
      const env = { ...localExtras, [setting]: value, APC_LOCAL_RUNTIME: "1" };
      expect(readActivitySettings(env)).toMatchObject({ ok: true });
      expect(readWebhookAuthSettings(env)).toMatchObject({ ok: true });
    },
  );

  test("the marker counts for nothing on App Service (WEBSITE_INSTANCE_ID is set there)", () => {
    expect(
      readActivitySettings({
        ...localExtras,
        AZURE_CREDENTIAL: "local",
        APC_LOCAL_RUNTIME: "1",
        WEBSITE_INSTANCE_ID: "a1b2c3",
      }),
    ).toMatchObject({ ok: false, error: { setting: "AZURE_CREDENTIAL" } });
  });

  test("production values pass: https endpoints, the default credential, no connection string", () => {
    expect(
      readActivitySettings({
        AZURE_ARM_ENDPOINT: "https://management.usgovcloudapi.net",
        AZURE_CREDENTIAL: "default",
      }),
    ).toMatchObject({ ok: true });
    expect(
      readWebhookAuthSettings({ ENTRA_JWKS_URL: "https://login.microsoftonline.com/t/keys" }),
    ).toMatchObject({ ok: true });
  });
});
