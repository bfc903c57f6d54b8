/**
 * A slice of the webhook fuzzer (`npm run fuzz` runs 10,000): 500 bodies mutated from the real
 * alert samples, posted to the webhook of a local stack. Whatever arrives, the answer is never a
 * 5xx, the host survives, and only accepted alerts have an orchestration instance.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { formatFuzzReport, fuzzWebhook, type FuzzOptions } from "../../bench/fuzz/fuzzWebhook";
import { firedAlertFor } from "../../bench/support/alerts";
import { startBenchStack } from "../../bench/support/benchStack";
import { postAlert, vmId, type TestStack } from "./support/testStack";

jest.setTimeout(120_000);

let stack: TestStack;
beforeAll(async () => {
  stack = await startBenchStack();
});
afterAll(async () => {
  await stack?.dispose();
});

test("500 mutated alert bodies: no 5xx, no crash, no instance for a refused body", async () => {
  const options: FuzzOptions = {
    count: 500,
    seed: 20260101,
    concurrency: 16,
    vmResourceId: vmId("fuzz01"),
  };
  const report = await fuzzWebhook(stack, options);
  process.stdout.write(`${formatFuzzReport(report, options)}\n`);
  expect(report.violations).toEqual([]);
  // The slice must have reached both sides of the webhook: captures started, and each kind of refusal.
  for (const status of ["202", "400", "413", "415", "422"])
    expect(report.statuses.get(status) ?? 0).toBeGreaterThan(0);
  expect(report.newInstances).toBeGreaterThan(0);
  expect([...report.statuses.keys()].filter((s) => s === "error" || Number(s) >= 500)).toEqual([]);
});

test("the bench stack keeps no Azurite access log: benches do not pay a line per storage request", () => {
  expect(existsSync(path.join(stack.stateDir, "azurite.log"))).toBe(false);
});

// Bodies the 10,000-case run found: valid alerts whose target carries characters a real ARM ID
// never has. Each once broke the local stack (not the app): U+2028 made Azurite drop the stored
// input, a subscription beyond Latin-1 made the ARM emulator write an invalid header and exit.
// Azure's naming rules now refuse both at the edge (lib/domain/armId.ts): a 422, no instance.
test.each([
  ["U+2028 in the resource group", vmId("fuzzls", "prod\u2028rg")],
  [
    "U+0130 in the subscription",
    vmId("fuzzdot").replace("/subscriptions/0000", "/subscriptions/\u01300000"),
  ],
])("a fired alert with %s is refused as no Azure VM", async (_name, target) => {
  const refused = await postAlert(stack, firedAlertFor(target, { captureTimeLimitSeconds: "2" }));
  expect(refused.status).toBe(422);
  expect(String(refused.body.error)).toContain("virtual machine");
});
