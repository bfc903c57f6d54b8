/**
 * `npm run doctor` against the emulator: every check passes on a healthy setup, and each fault the
 * emulator can play (bad setting, missing or premium capture account, a region without a watcher,
 * a VM without the agent, an identity with no or a narrower role) fails exactly its check, with
 * the command that fixes it. RBAC enforcement is off here: doctor runs as the operator.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  captureOperatorRole,
  EMULATED_PRINCIPAL_ID,
} from "../../local/armEmulator/roleEnforcement";
import { armOnlyClients, SUBSCRIPTION } from "../local/armEmulator/support/clients";
import { STORAGE, useEmulator, vmId } from "../local/armEmulator/support/emulatorFixture";
import {
  pipelineGet,
  runDoctor,
  renderResults,
  type CheckResult,
  type DoctorInput,
} from "../../scripts/doctor/checks";

jest.setTimeout(120_000);

const NO_AGENT_VM = vmId("vm-no-agent");
const inventoryFile = path.join(mkdtempSync(path.join(tmpdir(), "doctor-inventory-")), "inv.json");
writeFileSync(inventoryFile, JSON.stringify({ vms: { [NO_AGENT_VM]: { agentInstalled: false } } }));
const f = useEmulator({ enforceRole: false, inventoryFile });
const role = captureOperatorRole() as DoctorInput["role"];

function input(overrides: Partial<DoctorInput> = {}): DoctorInput {
  return {
    settings: { CAPTURE_STORAGE_ACCOUNT_ID: STORAGE },
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg-apc",
    appName: "apc-test",
    vmId: vmId("vm-ok"),
    principalId: EMULATED_PRINCIPAL_ID,
    regions: [],
    role,
    ...overrides,
  };
}

async function doctor(overrides: Partial<DoctorInput> = {}): Promise<CheckResult[]> {
  return runDoctor(
    input(overrides),
    { clients: armOnlyClients(f), get: pipelineGet(f.network, f.emulator.url) },
    async (url) =>
      fetch(url, { method: "HEAD" }).then(
        () => true,
        () => false,
      ),
  );
}

const failed = (results: CheckResult[]) => results.filter((r) => !r.ok);

afterEach(() => {
  f.emulator.rbac.setRole(role);
  f.emulator.storageAccounts.set("capstore", undefined);
});

test("a healthy setup passes every check, printed with ✓", async () => {
  const results = await doctor();
  expect(failed(results)).toEqual([]);
  expect(results.map((r) => r.name)).toEqual([
    "app settings parse",
    "capture storage account",
    "Network Watcher in westeurope",
    "Network Watcher agent on the named VM",
    "app identity holds the capture role at subscription scope",
  ]);
  expect(
    renderResults(results)
      .split("\n")
      .every((line) => line.startsWith("✓")),
  ).toBe(true);
});

test("a bad setting fails the settings check with the appsettings set command", async () => {
  const [failure, ...rest] = failed(
    await doctor({
      settings: { CAPTURE_STORAGE_ACCOUNT_ID: STORAGE, CAPTURE_TIME_LIMIT_SECONDS: "99999" },
    }),
  );
  expect(rest).toEqual([]);
  expect(failure).toMatchObject({
    name: "app settings parse",
    detail: expect.stringContaining("CAPTURE_TIME_LIMIT_SECONDS") as unknown,
  });
  expect(failure?.fix).toBe(
    "az functionapp config appsettings set -g rg-apc -n apc-test --settings CAPTURE_TIME_LIMIT_SECONDS=<value>",
  );
});

test("a missing or premium capture account fails the storage check with az storage account create", async () => {
  f.emulator.storageAccounts.set("capstore", "missing");
  expect(failed(await doctor())).toEqual([
    expect.objectContaining({
      name: "capture storage account",
      detail: "capstore does not exist",
      fix: expect.stringMatching(
        /^az storage account create -g rg-diag -n capstore .*--sku Standard_LRS/,
      ) as unknown,
    }),
  ]);
  f.emulator.storageAccounts.set("capstore", { sku: "Premium_LRS" });
  expect(failed(await doctor())).toEqual([
    expect.objectContaining({
      name: "capture storage account",
      detail: expect.stringContaining("Premium_LRS") as unknown,
    }),
  ]);
});

test("a region without a Network Watcher fails with az network watcher configure", async () => {
  expect(failed(await doctor({ regions: ["eastus"] }))).toEqual([
    expect.objectContaining({
      name: "Network Watcher in eastus",
      fix: `az network watcher configure -g NetworkWatcherRG -l eastus --enabled true --subscription ${SUBSCRIPTION}`,
    }),
  ]);
});

test("a VM without the agent fails with az vm extension set", async () => {
  expect(failed(await doctor({ vmId: NO_AGENT_VM }))).toEqual([
    expect.objectContaining({
      name: "Network Watcher agent on the named VM",
      fix: expect.stringMatching(
        /^az vm extension set -g rg-app --vm-name vm-no-agent .*--publisher Microsoft\.Azure\.NetworkWatcher/,
      ) as unknown,
    }),
  ]);
});

test("no role assignment, or a role missing an action, fails the role check naming what is missing", async () => {
  f.emulator.rbac.setRole(undefined);
  expect(failed(await doctor())).toEqual([
    expect.objectContaining({
      name: "app identity holds the capture role at subscription scope",
      fix: expect.stringMatching(
        /^az role assignment create --assignee-object-id .* --scope \/subscriptions\//,
      ) as unknown,
    }),
  ]);
  const dropped = "Microsoft.Network/locations/operationResults/read";
  f.emulator.rbac.setRole({ ...role, Actions: role.Actions.filter((a) => a !== dropped) });
  expect(failed(await doctor())).toEqual([
    expect.objectContaining({ detail: expect.stringContaining(`lack ${dropped}`) as unknown }),
  ]);
});
