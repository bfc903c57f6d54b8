/**
 * No secret reaches a log: a completed capture with its notification, a failed one, and the
 * Durable HTTP API called with keys — then every line the stack wrote (host, ARM emulator, sink,
 * Azurite's own access log) is scanned for every secret the stack holds, raw and URL-encoded.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { devAccount } from "../../local/azurite/startAzurite";
import {
  alertFor,
  postAlert,
  startTestStack,
  vmId,
  waitForEnd,
  type TestStack,
} from "./support/testStack";

jest.setTimeout(180_000);

interface LocalSecrets {
  masterKey: string;
  functionKey: string;
  systemKey: string;
  armToken: string;
  sinkSecret: string;
}

const stateDir = mkdtempSync(path.join(tmpdir(), "apc-redact-"));
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ stateDir });
});
afterAll(async () => {
  await stack?.dispose();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Every way a secret value could be spelled in a line: as is, and URL-encoded. */
function spellings(value: string): string[] {
  return [...new Set([value, encodeURIComponent(value)])];
}

/** Secret-shaped text whatever its value: a SAS signature or a bearer credential not masked. */
const UNMASKED_SHAPES: Array<[string, RegExp]> = [
  ["SAS signature", /(?:[?&]|%26|%3F)sig(?:=|%3D)(?!REDACTED)[^&\s"']+/i],
  ["Authorization: Bearer value", /authorization["']?\s*[:=]\s*["']?Bearer\s+(?!REDACTED)\S+/i],
  ["Bearer credential", /\bBearer\s+(?!REDACTED\b)[A-Za-z0-9\-._~+/]{8,}/],
];

test("a completed and a failed capture and keyed Durable API calls leave no secret in any log", async () => {
  const ok = await postAlert(stack, alertFor("redactok", { captureTimeLimitSeconds: "3" }));
  expect(ok.status).toBe(202);
  stack.arm.faults.add({ kind: "storageFailed", target: vmId("redactfail") });
  const bad = await postAlert(stack, alertFor("redactfail", { captureTimeLimitSeconds: "3" }));
  expect(bad.status).toBe(202);

  expect((await waitForEnd(String(ok.body.statusQueryGetUri), 120_000)).runtimeStatus).toBe(
    "Completed",
  );
  expect((await waitForEnd(String(bad.body.statusQueryGetUri), 120_000)).runtimeStatus).toBe(
    "Failed",
  );
  const notice = await stack.sink.waitFor(
    (n) => n.channel === "generic" && (n.body as { instanceId?: string }).instanceId === ok.body.id,
    15_000,
  );
  await stack.sink.waitFor(
    (n) =>
      n.channel === "generic" && (n.body as { instanceId?: string }).instanceId === bad.body.id,
    15_000,
  );
  // Following the notification's SAS link makes Azurite log a signed request.
  const downloadUrl = (notice.body as { capture: { downloadUrl: string } }).capture.downloadUrl;
  expect((await fetch(downloadUrl)).status).toBe(200);

  const secrets = JSON.parse(
    readFileSync(path.join(stateDir, "secrets.json"), "utf8"),
  ) as LocalSecrets;
  const durable = stack.endpoints.durableBaseUrl;
  const keyed = [
    `${durable}/instances?code=${secrets.systemKey}`,
    `${durable}/instances?showInput=true&code=${secrets.masterKey}`,
    `${durable}/instances/${String(ok.body.id)}?showHistory=true&code=${secrets.systemKey}`,
    `${stack.endpoints.functionsUrl}/admin/durable/stats/${String(ok.body.id)}?code=${secrets.masterKey}`,
  ];
  for (const url of keyed) expect((await fetch(url)).status).toBe(200);
  expect((await fetch(`${durable}/instances?code=${secrets.functionKey}`)).status).toBe(401);
  const headerKeyed = await fetch(`${stack.endpoints.functionsUrl}/admin/host/status`, {
    headers: { "x-functions-key": secrets.masterKey, authorization: `Bearer ${secrets.armToken}` },
  });
  expect(headerKeyed.status).toBe(200);

  await stack.stop();
  const azuriteLog = path.join(stateDir, "azurite.log");
  expect(existsSync(azuriteLog)).toBe(true);
  const lines = [...stack.lines, ...readFileSync(azuriteLog, "utf8").split("\n")];
  const text = lines.join("\n");
  // The scan is only worth something if the keyed requests and the signed download were logged.
  expect(text).toMatch(/GET \/runtime\/webhooks\/durabletask\/instances\?code=REDACTED -> 200/);
  expect(text).toMatch(/GET \/admin\/durable\/stats\/\S+\?code=REDACTED -> 200/);
  const blobName = new URL(downloadUrl).pathname;
  expect(lines.some((line) => line.includes(blobName) && line.includes("sig="))).toBe(true);

  const sasSignature = new URL(downloadUrl).searchParams.get("sig") ?? "";
  expect(sasSignature.length).toBeGreaterThan(10);
  const named: Record<string, string> = {
    ...secrets,
    azuriteAccountKey: devAccount.key,
    sasSignature,
  };
  const leaks: string[] = [];
  for (const [name, value] of Object.entries(named)) {
    for (const spelling of spellings(value)) {
      const line = lines.find((l) => l.includes(spelling));
      if (line) leaks.push(`${name}: ${line.slice(0, 300)}`);
    }
  }
  for (const [name, shape] of UNMASKED_SHAPES) {
    const line = lines.find((l) => shape.test(l));
    if (line) leaks.push(`${name}: ${line.slice(0, 300)}`);
  }
  expect(leaks).toEqual([]);
});
