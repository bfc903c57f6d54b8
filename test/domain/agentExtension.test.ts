import {
  findAgent,
  instancesWithoutAgent,
  sameRegion,
  updateInstancesCommand,
  type ExtensionInfo,
} from "../../lib/domain/agentExtension";

const linuxAgent: ExtensionInfo = {
  name: "renamedWatcherAgent",
  publisher: "Microsoft.Azure.NetworkWatcher",
  type: "NetworkWatcherAgentLinux",
  provisioningState: "Succeeded",
};
const monitorAgent: ExtensionInfo = {
  name: "AzureNetworkWatcherExtension",
  publisher: "Microsoft.Azure.Monitor",
  type: "AzureMonitorLinuxAgent",
  provisioningState: "Succeeded",
};

describe("the Network Watcher agent is found by publisher and type, never by name", () => {
  test("an agent installed under another name is found; an extension merely named like it is not", () => {
    expect(findAgent([monitorAgent, linuxAgent])).toBe(linuxAgent);
    expect(findAgent([monitorAgent])).toBeUndefined();
  });

  test("publisher and type match in any case, for the Windows agent too", () => {
    const windows = {
      publisher: "microsoft.azure.networkwatcher",
      type: "networkwatcheragentwindows",
    };
    expect(findAgent([windows])).toBe(windows);
  });

  test("the right publisher with another type, or no type, is not the agent", () => {
    expect(
      findAgent([{ publisher: "Microsoft.Azure.NetworkWatcher", type: "SomethingElse" }]),
    ).toBeUndefined();
    expect(findAgent([{ publisher: "Microsoft.Azure.NetworkWatcher" }])).toBeUndefined();
    expect(findAgent([{ type: "NetworkWatcherAgentLinux" }])).toBeUndefined();
  });
});

describe("scale-set instances that would capture nothing", () => {
  test("an instance without the agent, or whose agent failed to provision, is named; the others are not", () => {
    const instances = [
      { instanceId: "0", extensions: [linuxAgent] },
      { instanceId: "1", extensions: [monitorAgent] },
      { instanceId: "2", extensions: [{ ...linuxAgent, provisioningState: "FAILED" }] },
      { instanceId: "3", extensions: [{ ...linuxAgent, provisioningState: undefined }] },
      { instanceId: "4", extensions: [{ ...linuxAgent, provisioningState: "Updating" }] },
    ];
    expect(instancesWithoutAgent(instances)).toEqual(["1", "2"]);
  });

  test("the command that brings them up to the model names the set and every instance", () => {
    expect(updateInstancesCommand({ resourceGroup: "app-rg", name: "web-set" }, ["1", "2"])).toBe(
      "az vmss update-instances --resource-group app-rg --name web-set --instance-ids 1 2",
    );
  });
});

describe("regions compare across Azure's two spellings", () => {
  test('"West Europe" and "westeurope" are one region; another region is not', () => {
    expect(sameRegion("West Europe", "westeurope")).toBe(true);
    expect(sameRegion("westeurope", "West  Europe")).toBe(true);
    expect(sameRegion("West Europe", "westus")).toBe(false);
  });

  test("an unknown region matches nothing, not even another unknown one", () => {
    expect(sameRegion(undefined, undefined)).toBe(false);
    expect(sameRegion("", "")).toBe(false);
    expect(sameRegion(undefined, "westeurope")).toBe(false);
    expect(sameRegion("westeurope", undefined)).toBe(false);
  });
});
