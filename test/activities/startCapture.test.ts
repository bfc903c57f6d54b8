import { startCapture } from "../../activities/startCapture";
import {
  AGENT,
  SETTINGS,
  TARGET,
  VM_ID,
  WATCHER,
  armError,
  fakeEnv,
  forbidden,
  type FakeWorld,
} from "./support/fakeAzure";

const input = { watcher: WATCHER, target: TARGET, name: "cap", settings: SETTINGS };

describe("startCapture", () => {
  test.each<[string, FakeWorld, string[]]>([
    ["the agent is there under a custom name", { extensions: [{ ...AGENT, name: "nwagent" }] }, []],
    [
      "the agent is missing and installing is allowed (Linux)",
      { extensions: [], settings: { CAPTURE_INSTALL_AGENT: true } },
      ["virtualMachineExtensions.createOrUpdate web-1/AzureNetworkWatcherExtension"],
    ],
  ])("%s: the capture is created", async (_case, world, installs) => {
    const { env, calls } = fakeEnv(world);
    expect(await startCapture(input, env)).toEqual({
      ok: true,
      value: { name: "cap", id: "cap-id", provisioningState: "Succeeded" },
    });
    expect(calls.filter((c) => c.includes("createOrUpdate"))).toEqual(installs);
    expect(calls).toContain("packetCaptures.create cap");
  });

  test("a Windows VM gets the Windows agent", async () => {
    const { env, world } = fakeEnv({
      extensions: [],
      osType: "Windows",
      settings: { CAPTURE_INSTALL_AGENT: true },
    });
    await startCapture(input, env);
    expect(world.extensions?.[0]?.type).toBe("NetworkWatcherAgentWindows");
  });

  test.each<[string, FakeWorld, string]>([
    ["the agent is missing and installing is off", { extensions: [] }, "AgentMissing"],
    [
      "the agent is in state Failed",
      { extensions: [{ ...AGENT, provisioningState: "Failed" }] },
      "AgentFailed",
    ],
    [
      "extensions cannot be read",
      { failures: { "virtualMachineExtensions.list": forbidden() } },
      "AgentCheckFailed",
    ],
    [
      "ARM refuses the capture",
      {
        extensions: [AGENT],
        failures: { "packetCaptures.create": armError(400, "InvalidRequestFormat") },
      },
      "CaptureRejected",
    ],
    [
      "the region's session limit is reached",
      {
        extensions: [AGENT],
        failures: {
          "packetCaptures.create": armError(
            400,
            "PacketCaptureSessionLimitReached",
            "Session limit reached",
          ),
        },
      },
      "QuotaExceeded",
    ],
  ])("%s → permanent %s, nothing created", async (_case, world, code) => {
    const { env, calls } = fakeEnv(world);
    expect(await startCapture(input, env)).toMatchObject({ ok: false, failure: { code } });
    expect(Object.keys(world.captures ?? {})).toEqual([]);
    if (code !== "CaptureRejected" && code !== "QuotaExceeded")
      expect(calls.filter((c) => c.startsWith("packetCaptures.create"))).toEqual([]);
  });

  test("a retried start that finds our own capture already created succeeds", async () => {
    const { env } = fakeEnv({ extensions: [AGENT], captures: { cap: { target: VM_ID } } });
    expect(await startCapture(input, env)).toEqual({
      ok: true,
      value: { name: "cap", id: "cap", provisioningState: "Succeeded" },
    });
  });

  test("a name taken by another VM's capture is not mistaken for ours", async () => {
    const { env } = fakeEnv({
      extensions: [AGENT],
      captures: { cap: { target: VM_ID.replace("web-1", "db-1") } },
    });
    expect(await startCapture(input, env)).toMatchObject({
      ok: false,
      failure: { code: "CaptureRejected" },
    });
  });
});
