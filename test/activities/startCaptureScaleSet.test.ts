/**
 * A scale set's agent lives in its model; under a Manual upgrade policy an instance runs it only
 * once upgraded. startCapture checks the instances in scope and refuses, with the command that
 * upgrades them, instead of starting a capture those instances would leave empty.
 */
import { startCapture } from "../../activities/startCapture";
import { AGENT, SETTINGS, VMSS_TARGET, WATCHER, fakeEnv, forbidden } from "./support/fakeAzure";

const settings = SETTINGS;
const input = { watcher: WATCHER, target: VMSS_TARGET, name: "cap", settings };
const instances = (...withAgent: boolean[]) =>
  withAgent.map((agent, i) => ({ instanceId: String(i), agent }));

describe("startCapture on a scale set", () => {
  test("every instance runs the agent: the capture is created", async () => {
    const { env, calls } = fakeEnv({
      extensions: [AGENT],
      scaleSet: { upgradeMode: "Manual", instances: instances(true, true) },
    });
    expect(await startCapture(input, env)).toMatchObject({ ok: true });
    expect(calls).toContain("virtualMachineScaleSetVMs.list");
    expect(calls).toContain("packetCaptures.create cap");
  });

  test("agent installed on a Manual set's model only: refused, naming the instances and the command, no capture", async () => {
    const { env, calls } = fakeEnv({
      extensions: [],
      settings: { CAPTURE_INSTALL_AGENT: true },
      scaleSet: { upgradeMode: "Manual", instances: instances(false, true, false) },
    });
    const result = await startCapture(input, env);
    expect(result).toEqual({
      ok: false,
      failure: {
        code: "AgentNotOnInstances",
        message: expect.stringContaining(
          "instance(s) 0, 2 of web-set: its upgrade policy is Manual",
        ),
        action:
          "Run `az vmss update-instances --resource-group app-rg --name web-set --instance-ids 0 2`, then re-run.",
      },
    });
    expect(calls).toContain(
      "virtualMachineScaleSetExtensions.createOrUpdate web-set/AzureNetworkWatcherExtension",
    );
    expect(calls).not.toContain("packetCaptures.create cap");
  });

  test("only instances in the capture's scope count; the scope goes to Network Watcher", async () => {
    const { env, world } = fakeEnv({
      extensions: [AGENT],
      scaleSet: { upgradeMode: "Manual", instances: instances(true, false, true) },
    });
    const scoped = { ...input, settings: { ...settings, scope: { exclude: ["1"] } } };
    expect(await startCapture(scoped, env)).toMatchObject({ ok: true });
    expect(world.captures?.cap?.scope).toEqual({ exclude: ["1"] });
  });

  test("an included instance the set does not have (a capturePeers typo): refused up front naming it, no capture", async () => {
    const { env, calls } = fakeEnv({
      extensions: [AGENT],
      scaleSet: { upgradeMode: "Automatic", instances: instances(true, true) },
    });
    const scoped = { ...input, settings: { ...settings, scope: { include: ["1", "7"] } } };
    expect(await startCapture(scoped, env)).toEqual({
      ok: false,
      failure: {
        code: "InstancesNotInScaleSet",
        message:
          "instance(s) 7 named for web-set (capturePeers or captureScope) do not exist in the scale set; its instances are 0, 1",
        action:
          'Name instances the set has (`az vmss list-instances --resource-group app-rg --name web-set --query "[].instanceId"`), then re-run.',
      },
    });
    expect(calls).not.toContain("packetCaptures.create cap");
  });

  test("included instances named by ID or by instance name, all present: the capture is created", async () => {
    const { env, calls } = fakeEnv({
      extensions: [AGENT],
      // Named as Azure names instances, {set}_{instanceId}.
      scaleSet: { upgradeMode: "Automatic", instances: instances(true, true) },
    });
    const scoped = { ...input, settings: { ...settings, scope: { include: ["0", "WEB-SET_1"] } } };
    expect(await startCapture(scoped, env)).toMatchObject({ ok: true });
    expect(calls).toContain("packetCaptures.create cap");
  });

  test("instances that cannot be read: a permanent AgentCheckFailed naming the read action", async () => {
    const { env } = fakeEnv({
      extensions: [AGENT],
      scaleSet: { instances: instances(true) },
      failures: { "virtualMachineScaleSetVMs.list": forbidden() },
    });
    expect(await startCapture(input, env)).toMatchObject({
      ok: false,
      failure: {
        code: "AgentCheckFailed",
        action: expect.stringContaining("virtualMachineScaleSets/virtualMachines/read"),
      },
    });
  });
});
