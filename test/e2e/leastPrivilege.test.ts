/**
 * Least privilege, proven against the emulator's RBAC: the app's whole ARM conversation — watcher
 * discovery, target and agent checks, agent install, and a capture's create / get / list / status /
 * stop / delete on a VM and on a scale set, every LRO polled to its end — runs through the
 * production adapters (lib/azure/networkWatcher) with deploy/capture-operator-role.json in force.
 * Then, one row per action of the role, the same conversation with that action removed must fail
 * with ARM's 403 naming it: an action whose removal broke nothing would be one the app does not need.
 */
import {
  createCapture,
  deleteCapture,
  getCapture,
  getCaptureStatus,
  getTarget,
  getWatcher,
  installAgent,
  listCaptures,
  listExtensions,
  listScaleSetInstances,
  listWatchers,
  stopCapture,
} from "../../lib/azure/networkWatcher";
import type { AzureClients } from "../../lib/azure/clients";
import { captureOperatorRole } from "../../local/armEmulator/roleEnforcement";
import { SUBSCRIPTION, emulatedTarget } from "../local/armEmulator/support/clients";
import {
  STORAGE,
  WATCHER,
  WATCHER_RG,
  useEmulator,
} from "../local/armEmulator/support/emulatorFixture";

jest.setTimeout(120_000);

const f = useEmulator();
const role = captureOperatorRole();

/**
 * Role actions the ARM emulator cannot see: the user-delegation key is requested from the blob
 * endpoint (Azurite here), not from ARM. test/deploy/leastPrivilegeRole.test.ts fails without it.
 */
const NOT_ARM = ["Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"];

const target = emulatedTarget;
const TARGETS = [target("virtualMachine", "vm-lp"), target("virtualMachineScaleSet", "vmss-lp")];

function clients(): AzureClients {
  return {
    network: () => f.network,
    compute: () => f.compute,
    blob: () => {
      throw new Error("not used: blobs are Azurite's, not ARM's");
    },
    container: () => {
      throw new Error("not used: blobs are Azurite's, not ARM's");
    },
    captureContainer: () => {
      throw new Error("not used: blobs are Azurite's, not ARM's");
    },
    downloadLink: () => Promise.reject(new Error("not used")),
  };
}

/** Everything the activities ask ARM for, in the order a capture asks it. */
async function appConversation(c: AzureClients): Promise<void> {
  const watcher = (await listWatchers(c, SUBSCRIPTION)).find(
    (w) => w.name === WATCHER && w.resourceGroup.toLowerCase() === WATCHER_RG.toLowerCase(),
  );
  if (!watcher) throw new Error("the emulator's default watcher was not listed");
  await getWatcher(c, watcher);
  for (const t of TARGETS) {
    const info = await getTarget(c, t);
    await listExtensions(c, t);
    // A scale set's instances: which run the agent, and whose files to expect.
    if (t.kind === "virtualMachineScaleSet") await listScaleSetInstances(c, t);
    await installAgent(c, t, info);
    const name = `lp-${t.name}`;
    await createCapture(c, watcher, t, name, {
      timeLimitInSeconds: 60,
      totalBytesPerSession: 1024 * 1024,
      bytesToCapturePerPacket: 0,
      filters: [{ protocol: "TCP", localPort: "9" }],
      storageAccountId: STORAGE,
    });
    await getCapture(c, watcher, name);
    await listCaptures(c, watcher);
    await getCaptureStatus(c, watcher, name);
    await stopCapture(c, watcher, name);
    await deleteCapture(c, watcher, name);
  }
}

afterEach(async () => {
  f.emulator.rbac.setRole(role);
  for await (const capture of f.network.packetCaptures.list(WATCHER_RG, WATCHER))
    await f.network.packetCaptures.delete(WATCHER_RG, WATCHER, capture.name ?? "");
});

test("with the role as shipped, the app's whole ARM conversation succeeds", async () => {
  await expect(appConversation(clients())).resolves.toBeUndefined();
});

test("with RBAC on, a call outside the role is answered 403 AuthorizationFailed in ARM's shape", async () => {
  f.emulator.rbac.setRole({ Actions: [] });
  await expect(f.network.networkWatchers.get(WATCHER_RG, WATCHER)).rejects.toMatchObject({
    statusCode: 403,
    code: "AuthorizationFailed",
    message: expect.stringMatching(
      /does not have authorization to perform action 'Microsoft\.Network\/networkWatchers\/read' over scope '\/subscriptions\/.+\/networkWatchers\/NetworkWatcher_westeurope'/,
    ) as unknown,
  });
});

test.each(role.Actions.filter((a) => !NOT_ARM.includes(a)))(
  "without %s the conversation fails with ARM's 403 naming it",
  async (action) => {
    f.emulator.rbac.setRole({ ...role, Actions: role.Actions.filter((a) => a !== action) });
    const failure = await appConversation(clients()).then(
      () => undefined,
      (error: unknown) =>
        error as {
          statusCode?: number;
          code?: string;
          message?: string;
        },
    );
    expect(failure).toMatchObject({
      statusCode: 403,
      code: expect.stringMatching(/^(Linked)?AuthorizationFailed$/) as unknown,
    });
    // The SDK's pager drops ARM's message ("Pagination failed…"), so the refusal is also read from
    // the emulator: the first one must be for exactly this action.
    expect(f.emulator.rbac.denials[0]?.actions).toEqual([action]);
    if (!failure?.message?.startsWith("Pagination failed"))
      expect(failure?.message).toContain(`'${action}'`);
  },
);

test("every role action is either exercised above or named as outside ARM", () => {
  expect(role.Actions).toEqual(expect.arrayContaining(NOT_ARM));
});
