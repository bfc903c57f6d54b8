// LOCAL DEV/TEST INFRASTRUCTURE — `npm start` reads local.settings.json as `func start` does.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describeLocalSettings, readLocalSettings } from "../../../local/cli/localSettings";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "apc-settings-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(content: unknown): string {
  const name = path.join(dir, "local.settings.json");
  writeFileSync(name, typeof content === "string" ? content : JSON.stringify(content));
  return name;
}

test("Values become app settings; the stack keeps its own storage; the banner names keys, never values", () => {
  const name = file({
    IsEncrypted: false,
    Values: {
      FUNCTIONS_WORKER_RUNTIME: "node",
      AzureWebJobsStorage: "UseDevelopmentStorage=true",
      CAPTURE_TIME_LIMIT_SECONDS: 60,
      NOTIFY_WEBHOOK_SECRET: "s3cret-value",
    },
    ConnectionStrings: {},
  });
  const settings = readLocalSettings(name);
  expect(settings).toEqual({
    file: name,
    values: {
      FUNCTIONS_WORKER_RUNTIME: "node",
      CAPTURE_TIME_LIMIT_SECONDS: "60",
      NOTIFY_WEBHOOK_SECRET: "s3cret-value",
    },
    ignored: ["AzureWebJobsStorage"],
  });
  const banner = describeLocalSettings(settings, "local.settings.json").join("\n");
  expect(banner).toContain(
    "local.settings.json: FUNCTIONS_WORKER_RUNTIME, CAPTURE_TIME_LIMIT_SECONDS, NOTIFY_WEBHOOK_SECRET (values not shown)",
  );
  expect(banner).toContain("ignored: AzureWebJobsStorage");
  expect(banner).not.toContain("s3cret-value");
  expect(banner).not.toContain("UseDevelopmentStorage");
});

test("no file: the stack's defaults, and the banner says so", () => {
  const missing = path.join(dir, "local.settings.json");
  expect(readLocalSettings(missing)).toBeUndefined();
  expect(describeLocalSettings(undefined, "local.settings.json")).toEqual([
    "  app settings    stack defaults (no local.settings.json)",
  ]);
});

test("a broken or encrypted file stops npm start with a reason naming the file", () => {
  expect(() => readLocalSettings(file("{ not json"))).toThrow(
    /local\.settings\.json is not valid JSON/,
  );
  expect(() => readLocalSettings(file({ Values: { A: { nested: 1 } } }))).toThrow(/Values\.A/);
  expect(() => readLocalSettings(file({ IsEncrypted: true, Values: {} }))).toThrow(
    /func settings decrypt/,
  );
});
