/**
 * Microsoft's own example responses (vendored in ./azure-rest-api-specs, see README.md) served to our
 * production adapters in lib/azure through the real SDK clients, and what our code makes of them:
 * status and stop reasons, error lists, storage paths, provisioning states, regions, OS type and agent
 * detection. Then the failure shapes ARM documents (common-types ErrorResponse, Retry-After on 429/5xx,
 * failed and canceled operations) and how lib/azure/armErrors.ts classifies them.
 *
 * Where an example's poll URL points at management.azure.com or a placeholder host (foo.com), the stub
 * serves that poll at its own address: the body and status codes are the example's.
 */
import { describeError, isTransient, permanentOrThrow } from "../../lib/azure/armErrors";
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
import { findAgent, instancesWithoutAgent } from "../../lib/domain/agentExtension";
import { pipelineGet, runDoctor } from "../../scripts/doctor/checks";
import { instancesInScope } from "../../lib/domain/instanceFiles";
import type { CaptureSettings, CaptureTarget, WatcherRef } from "../../lib/domain/types";
import {
  example,
  examplesRead,
  startExampleServer,
  vendoredExamples,
  type ExampleServer,
  type StubAnswer,
  type StubRequest,
} from "./support/exampleServer";

const NW = "network/resource-manager/Microsoft.Network/Network/stable/2026-01-01/examples/";
const NW_2025 = "network/resource-manager/Microsoft.Network/stable/2025-07-01/examples/";
const CP = "compute/resource-manager/Microsoft.Compute/Compute/stable/2026-04-01/examples/";
const ST = "storage/resource-manager/Microsoft.Storage/Storage/stable/2026-04-01/examples/";
const AZ = "authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/examples/";

const SUB = "00000000-0000-0000-0000-000000000000";
const watcher: WatcherRef = { subscriptionId: SUB, resourceGroup: "rg1", name: "nw1" };
const vm: CaptureTarget = {
  kind: "virtualMachine",
  name: "myVM",
  subscriptionId: SUB,
  resourceGroup: "myResourceGroup",
  resourceId: `/subscriptions/${SUB}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/virtualMachines/myVM`,
};
const vmss: CaptureTarget = {
  ...vm,
  kind: "virtualMachineScaleSet",
  name: "myVmss",
  resourceId: vm.resourceId.replace("virtualMachines/myVM", "virtualMachineScaleSets/myVmss"),
};
const settings: CaptureSettings = {
  timeLimitInSeconds: 100,
  totalBytesPerSession: 100000,
  bytesToCapturePerPacket: 10000,
  filters: [{ protocol: "TCP", localIPAddress: "10.0.0.4", localPort: "80" }],
  storageAccountId: `/subscriptions/${SUB}/resourceGroups/rg2/providers/Microsoft.Storage/storageAccounts/pcstore`,
};

const CAPTURE = `/subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.Network/networkWatchers/nw1/packetCaptures/pc1`;

/** Answers by "METHOD /path" (query ignored); unscripted requests get 599 and fail the test. */
function routes(table: Record<string, StubAnswer | (() => StubAnswer)>) {
  return (req: StubRequest): StubAnswer | undefined => {
    const entry = table[`${req.method} ${req.url.split("?")[0]}`];
    return typeof entry === "function" ? entry() : entry;
  };
}

/** An example response as the stub answer, optionally with headers the example leaves to ARM. */
function response(file: string, status: string, headers: Record<string, string> = {}): StubAnswer {
  const r = example(file).responses[status];
  if (!r) throw new Error(`${file} has no ${status} response`);
  return { status: Number(status), headers, ...(r.body !== undefined && { body: r.body }) };
}

let stub: ExampleServer;
beforeAll(async () => {
  stub = await startExampleServer();
}, 30_000);
afterAll(() => stub.close());

describe("Network Watcher examples through lib/azure", () => {
  test("Create: 201 + Azure-AsyncOperation, then the resource; our request carries the example's parameters", async () => {
    const poll = `${stub.url}/poll/create`;
    stub.answer(
      routes({
        [`PUT ${CAPTURE}`]: response(`${NW}NetworkWatcherPacketCaptureCreate.json`, "201", {
          "azure-asyncoperation": poll,
          "retry-after": "0",
        }),
        "GET /poll/create": { status: 200, body: { status: "Succeeded" } },
        [`GET ${CAPTURE}`]: response(`${NW}NetworkWatcherPacketCaptureCreate.json`, "201"),
      }),
    );
    const vm1 = {
      ...vm,
      resourceGroup: "rg2",
      name: "vm1",
      resourceId: `/subscriptions/${SUB}/resourceGroups/rg2/providers/Microsoft.Compute/virtualMachines/vm1`,
    };
    await expect(createCapture(stub.clients(), watcher, vm1, "pc1", settings)).resolves.toEqual({
      id: CAPTURE,
      provisioningState: "Updating",
    });
    const sent = stub.requests.find((r) => r.method === "PUT")?.body as {
      properties: Record<string, unknown>;
    };
    const exampleRequest = (
      example(`${NW}NetworkWatcherPacketCaptureCreate.json`) as unknown as {
        parameters: { parameters: { properties: Record<string, unknown> } };
      }
    ).parameters.parameters.properties;
    // Ours adds targetType and omits the example's filePath/storagePath (we only write to storage).
    expect(sent.properties).toEqual({
      ...exampleRequest,
      targetType: "AzureVM",
      storageLocation: { storageId: settings.storageAccountId },
    });
  });

  test("Get (2025-07-01 example): storage path, target and provisioning state", async () => {
    stub.answer(
      routes({
        [`GET ${CAPTURE}`]: response(`${NW_2025}NetworkWatcherPacketCaptureGet.json`, "200"),
      }),
    );
    await expect(getCapture(stub.clients(), watcher, "pc1")).resolves.toEqual({
      name: "pc1",
      target:
        "/subscriptions/subid/resourceGroups/rg2/providers/Microsoft.Compute/virtualMachines/vm1",
      provisioningState: "Updating",
      storagePath: "https://mytestaccountname.blob.core.windows.net/capture/pc1.cap",
    });
  });

  test.each(["200", "202"])(
    "QueryStatus answered %s: Stopped, TimeExceeded, no errors, the start time",
    async (status) => {
      const file = `${NW_2025}NetworkWatcherPacketCaptureQueryStatus.json`;
      stub.answer(
        routes({
          [`POST ${CAPTURE}/queryStatus`]: response(file, status, {
            location: `${stub.url}/poll/status`,
            "retry-after": "0",
          }),
          "GET /poll/status": response(file, "200"),
        }),
      );
      await expect(getCaptureStatus(stub.clients(), watcher, "pc1")).resolves.toEqual({
        status: "Stopped",
        stopReason: "TimeExceeded",
        errors: [],
        captureStartTime: "2016-09-07T12:35:24.000Z",
      });
    },
  );

  test("List: both sessions with their states and storage paths", async () => {
    stub.answer(
      routes({
        [`GET ${CAPTURE.replace("/pc1", "")}`]: response(
          `${NW}NetworkWatcherPacketCapturesList.json`,
          "200",
        ),
      }),
    );
    const captures = await listCaptures(stub.clients(), watcher);
    expect(captures.map((c) => [c.name, c.provisioningState, c.storagePath])).toEqual([
      ["pc1", "Updating", "https://mytestaccountname.blob.core.windows.net/capture/pc1.cap"],
      ["pc2", "Succeeded", "https://mytestaccountname.blob.core.windows.net/capture/pc2.cap"],
    ]);
  });

  test.each(["200", "202"])("Stop answered %s completes", async (status) => {
    stub.answer(
      routes({
        [`POST ${CAPTURE}/stop`]: response(`${NW}NetworkWatcherPacketCaptureStop.json`, status, {
          location: `${stub.url}/poll/stop`,
          "retry-after": "0",
        }),
        "GET /poll/stop": response(`${NW}NetworkWatcherPacketCaptureStop.json`, "200"),
      }),
    );
    await expect(stopCapture(stub.clients(), watcher, "pc1")).resolves.toBeUndefined();
  });

  test.each(["202", "204"])("Delete answered %s completes", async (status) => {
    const file = `${NW_2025}NetworkWatcherPacketCaptureDelete.json`;
    stub.answer(
      routes({
        [`DELETE ${CAPTURE}`]: response(file, status, {
          location: `${stub.url}/poll/delete`,
          "retry-after": "0",
        }),
        "GET /poll/delete": response(file, "204"),
      }),
    );
    await expect(deleteCapture(stub.clients(), watcher, "pc1")).resolves.toBeUndefined();
  });

  test("Watcher get, and discovery over a list of that watcher: resource group from the ID, region", async () => {
    const get = response(`${NW}NetworkWatcherGet.json`, "200");
    stub.answer(
      routes({
        [`GET /subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.Network/networkWatchers/nw1`]:
          get,
        // No ListAll example is in the store; the list shape is the spec's NetworkWatcherListResult.
        [`GET /subscriptions/${SUB}/providers/Microsoft.Network/networkWatchers`]: {
          status: 200,
          body: { value: [get.body] },
        },
      }),
    );
    await expect(getWatcher(stub.clients(), watcher)).resolves.toEqual({
      ...watcher,
      location: "eastus",
    });
    await expect(listWatchers(stub.clients(), SUB)).resolves.toEqual([
      { ...watcher, location: "eastus" },
    ]);
  });
});

describe("Compute examples through lib/azure", () => {
  const vmPath = `/subscriptions/${SUB}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/virtualMachines/myVM`;
  const vmssPath = vmPath.replace("virtualMachines/myVM", "virtualMachineScaleSets/myVmss");

  test("VM get: display-name region and Windows, so the agent we install is the Windows one", async () => {
    const put = `${CP}virtualMachineExamples/VirtualMachineExtension_CreateOrUpdate_MinimumSet_Gen.json`;
    stub.answer(
      routes({
        [`GET ${vmPath}`]: response(`${CP}virtualMachineExamples/VirtualMachine_Get.json`, "200"),
        [`PUT ${vmPath}/extensions/AzureNetworkWatcherExtension`]: response(put, "201", {
          location: `${stub.url}/poll/extension`,
          "retry-after": "0",
        }),
        "GET /poll/extension": response(put, "200"),
        [`GET ${vmPath}/extensions/AzureNetworkWatcherExtension`]: response(put, "200"),
      }),
    );
    const info = await getTarget(stub.clients(), vm);
    expect(info).toEqual({ location: "West US", osType: "Windows" });
    await installAgent(stub.clients(), vm, info);
    expect(stub.requests.find((r) => r.method === "PUT")?.body).toEqual({
      location: "West US",
      properties: {
        publisher: "Microsoft.Azure.NetworkWatcher",
        type: "NetworkWatcherAgentWindows",
        typeHandlerVersion: "1.4",
        autoUpgradeMinorVersion: true,
      },
    });
  });

  test("VM extension lists: another publisher's extension is not the agent; a list without value is empty", async () => {
    const max = response(
      `${CP}virtualMachineExamples/VirtualMachineExtension_List_MaximumSet_Gen.json`,
      "200",
    );
    stub.answer(routes({ [`GET ${vmPath}/extensions`]: max }));
    const extensions = await listExtensions(stub.clients(), vm);
    expect(extensions).toEqual([
      {
        name: "myVMExtension",
        publisher: "extPublisher",
        type: "extType",
        provisioningState: "Creating",
      },
    ]);
    expect(findAgent(extensions)).toBeUndefined();

    stub.answer(
      routes({
        [`GET ${vmPath}/extensions`]: response(
          `${CP}virtualMachineExamples/VirtualMachineExtension_List_MinimumSet_Gen.json`,
          "200",
        ),
      }),
    );
    await expect(listExtensions(stub.clients(), vm)).resolves.toEqual([]);
  });

  test("scale-set GET and extensions: no osType in the model installs the Linux agent; an empty extension object is tolerated", async () => {
    const put = `${CP}virtualMachineScaleSetExamples/VirtualMachineScaleSetExtension_CreateOrUpdate_MaximumSet_Gen.json`;
    stub.answer(
      routes({
        [`GET ${vmssPath}`]: response(
          `${CP}virtualMachineScaleSetExamples/VirtualMachineScaleSet_Get.json`,
          "200",
        ),
        [`GET ${vmssPath}/extensions`]: response(
          `${CP}virtualMachineScaleSetExamples/VirtualMachineScaleSetExtension_List_MinimumSet_Gen.json`,
          "200",
        ),
        [`PUT ${vmssPath}/extensions/AzureNetworkWatcherExtension`]: response(put, "201", {
          location: `${stub.url}/poll/vmss-extension`,
          "retry-after": "0",
        }),
        "GET /poll/vmss-extension": response(put, "200"),
        [`GET ${vmssPath}/extensions/AzureNetworkWatcherExtension`]: response(put, "200"),
      }),
    );
    const info = await getTarget(stub.clients(), vmss);
    expect(info).toEqual({ location: "westus", osType: undefined, upgradeMode: "Automatic" });
    const extensions = await listExtensions(stub.clients(), vmss);
    expect(extensions).toHaveLength(1);
    expect(findAgent(extensions)).toBeUndefined();
    await expect(installAgent(stub.clients(), vmss, info)).resolves.toBeUndefined();
    expect(stub.requests.find((r) => r.method === "PUT")?.body).toEqual({
      properties: {
        publisher: "Microsoft.Azure.NetworkWatcher",
        type: "NetworkWatcherAgentLinux",
        typeHandlerVersion: "1.4",
        autoUpgradeMinorVersion: true,
      },
    });
  });
  test("scale-set VM list: each instance's ID, name, model state and own extensions; an agent on none of them names both, a scope by name leaves one", async () => {
    stub.answer(
      routes({
        [`GET ${vmssPath}/virtualMachines`]: response(
          `${CP}virtualMachineScaleSetExamples/VirtualMachineScaleSetVM_List_WithResiliencyView.json`,
          "200",
        ),
      }),
    );
    const extensions = [
      {
        name: "Microsoft.Azure.Security.Monitoring.AzureSecurityLinuxAgent",
        publisher: "Microsoft.Azure.Security.Monitoring",
        type: "AzureSecurityLinuxAgent",
        provisioningState: "Succeeded",
      },
      {
        name: "Microsoft.Azure.Monitor.AzureMonitorLinuxAgent",
        publisher: "Microsoft.Azure.Monitor",
        type: "AzureMonitorLinuxAgent",
        provisioningState: "Succeeded",
      },
    ];
    const instances = await listScaleSetInstances(stub.clients(), vmss);
    expect(instances).toEqual(
      ["1", "2"].map((instanceId) => ({
        instanceId,
        name: `{vmss-vm-name}_${instanceId}`,
        latestModelApplied: true,
        extensions,
      })),
    );
    expect(instancesWithoutAgent(instances)).toEqual(["1", "2"]);
    expect(
      instancesInScope(instances, { exclude: ["{vmss-vm-name}_1"] }).map((i) => i.instanceId),
    ).toEqual(["2"]);
  });
});

describe("ARM failure shapes (common-types) through lib/azure and armErrors", () => {
  /** common-types v5 ErrorResponse, with nested details and additionalInfo. */
  const armError = (code: string, message: string) => ({
    error: {
      code,
      message,
      target: "properties.target",
      details: [{ code: `${code}Detail`, message: "inner", target: "x" }],
      additionalInfo: [{ type: "PolicyViolation", info: { policy: "p" } }],
    },
  });

  test("404 ErrorResponse: get answers undefined; stop and delete treat it as done", async () => {
    const notFound = { status: 404, body: armError("ResourceNotFound", "gone") };
    stub.answer(
      routes({
        [`GET ${CAPTURE}`]: notFound,
        [`POST ${CAPTURE}/stop`]: notFound,
        [`DELETE ${CAPTURE}`]: notFound,
      }),
    );
    await expect(getCapture(stub.clients(), watcher, "pc1")).resolves.toBeUndefined();
    await expect(stopCapture(stub.clients(), watcher, "pc1")).resolves.toBeUndefined();
    await expect(deleteCapture(stub.clients(), watcher, "pc1")).resolves.toBeUndefined();
  });

  test("400 ErrorResponse with details: permanent, described by code and message", async () => {
    stub.answer(
      routes({
        [`PUT ${CAPTURE}`]: { status: 400, body: armError("InvalidParameter", "bad target") },
      }),
    );
    const error = await createCapture(stub.clients(), watcher, vm, "pc1", settings).catch(
      (e: unknown) => e,
    );
    expect(isTransient(error)).toBe(false);
    expect(describeError(error)).toBe("400 InvalidParameter: bad target");
    expect(permanentOrThrow(error, "CaptureRefused", "fix it")).toEqual({
      ok: false,
      failure: {
        code: "CaptureRefused",
        message: "400 InvalidParameter: bad target",
        action: "fix it",
      },
    });
  });

  test.each([
    [429, { "retry-after": "0" }],
    [503, { "retry-after": "0" }],
    [500, {}],
  ])("%i is retried by the SDK (Retry-After honoured), then succeeds", async (status, headers) => {
    let calls = 0;
    const get = response(`${NW}NetworkWatcherGet.json`, "200");
    stub.answer(
      routes({
        [`GET /subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.Network/networkWatchers/nw1`]:
          () => (++calls === 1 ? { status, headers, body: armError("Busy", "try later") } : get),
      }),
    );
    await expect(getWatcher(stub.clients(), watcher)).resolves.toMatchObject({
      location: "eastus",
    });
    expect(calls).toBe(2);
  });

  test("a 503 that never ends surfaces as transient, so durable retries it", async () => {
    stub.answer(
      routes({
        [`GET ${CAPTURE}`]: {
          status: 503,
          headers: { "retry-after": "0" },
          body: armError("ServiceUnavailable", "later"),
        },
      }),
    );
    const error = await getCapture(stub.clients(), watcher, "pc1").catch((e: unknown) => e);
    expect(isTransient(error)).toBe(true);
    expect(() => permanentOrThrow(error, "X", "y")).toThrow();
  });

  test.each([
    ["Failed", /long-running operation has failed\. Conflict\. capture exists/],
    ["Canceled", /canceled/],
  ])(
    "an Azure-AsyncOperation that ends %s is the service's verdict: permanent",
    async (status, message) => {
      stub.answer(
        routes({
          [`PUT ${CAPTURE}`]: response(`${NW}NetworkWatcherPacketCaptureCreate.json`, "201", {
            "azure-asyncoperation": `${stub.url}/poll/failed`,
            "retry-after": "0",
          }),
          "GET /poll/failed": {
            status: 200,
            body: { status, error: armError("Conflict", "capture exists").error },
          },
        }),
      );
      const error = await createCapture(stub.clients(), watcher, vm, "pc1", settings).catch(
        (e: unknown) => e,
      );
      expect(String(error)).toMatch(message);
      expect(isTransient(error)).toBe(false);
    },
  );

  test("a Location poll that answers an ErrorResponse fails the operation with that error", async () => {
    stub.answer(
      routes({
        [`POST ${CAPTURE}/stop`]: {
          status: 202,
          headers: { location: `${stub.url}/poll/stop-failed`, "retry-after": "0" },
        },
        "GET /poll/stop-failed": { status: 400, body: armError("InvalidState", "not running") },
      }),
    );
    const error = await stopCapture(stub.clients(), watcher, "pc1").catch((e: unknown) => e);
    expect(describeError(error)).toMatch(/InvalidState|not running/);
    expect(isTransient(error)).toBe(false);
  });
});

describe("npm run doctor over Microsoft's examples (its Storage and Authorization reads included)", () => {
  // The identities the role examples name: the assignment's principal, at its subscription's scope,
  // of a tenant-level role definition (ID without a subscription).
  const ROLE_SUB = "a925f2f7-5c63-4b7b-8799-25a5f97bc3b2";
  const PRINCIPAL = "ce2ce14e-85d7-4629-bdbc-454d0519d987";
  const ROLE_DEFINITION =
    "/providers/Microsoft.Authorization/roleDefinitions/0b5fe924-9a61-425c-96af-cfe6e287ca2d";
  const ACCOUNT = `/subscriptions/${ROLE_SUB}/resourceGroups/res9407/providers/Microsoft.Storage/storageAccounts/sto8596`;
  const VM = `/subscriptions/${ROLE_SUB}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/virtualMachines/myVM`;

  test("each check reads the example's shape; every call carries the API version the specs are vendored in", async () => {
    const watcherGet = response(`${NW}NetworkWatcherGet.json`, "200");
    stub.answer(
      routes({
        [`GET ${ACCOUNT}`]: response(
          `${ST}StorageAccountGetPropertiesCMKVersionExpirationTime.json`,
          "200",
        ),
        [`GET ${VM}`]: response(`${CP}virtualMachineExamples/VirtualMachine_Get.json`, "200"),
        [`GET /subscriptions/${ROLE_SUB}/providers/Microsoft.Network/networkWatchers`]: {
          status: 200,
          body: { value: [watcherGet.body] },
        },
        [`GET ${VM}/extensions`]: response(
          `${CP}virtualMachineExamples/VirtualMachineExtension_List_MaximumSet_Gen.json`,
          "200",
        ),
        [`GET /subscriptions/${ROLE_SUB}/providers/Microsoft.Authorization/roleAssignments`]:
          response(`${AZ}RoleAssignments_ListForSubscription.json`, "200"),
        [`GET ${ROLE_DEFINITION}`]: response(`${AZ}GetRoleDefinitionByName.json`, "200"),
      }),
    );
    const probed: string[] = [];
    const clients = stub.clients();
    const results = await runDoctor(
      {
        settings: { CAPTURE_STORAGE_ACCOUNT_ID: ACCOUNT },
        subscriptionId: ROLE_SUB,
        resourceGroup: "rg-apc",
        appName: "apc",
        vmId: VM,
        principalId: PRINCIPAL,
        regions: ["eastus"],
        // The example role grants "action" and "dataAction".
        role: { Name: "Role name", Actions: ["action"], DataActions: ["dataAction"] },
      },
      { clients, get: pipelineGet(clients.network(ROLE_SUB), stub.url) },
      async (url) => {
        probed.push(url);
        return true;
      },
    );
    expect(results.map(({ name, ok }) => [name, ok])).toEqual([
      ["app settings parse", true],
      ["capture storage account", true],
      ["Network Watcher in eastus", true],
      // The VM example is in "West US"; the only watcher, in eastus.
      ["Network Watcher in West US", false],
      // The example's only extension is another publisher's.
      ["Network Watcher agent on the named VM", false],
      ["app identity holds the capture role at subscription scope", true],
    ]);
    expect(results[1]?.detail).toBe("sto8596: Standard_GRS, blob endpoint answers");
    expect(probed).toEqual(["https://sto8596.blob.core.windows.net/"]);
    const versions = Object.fromEntries(
      stub.requests.map((r) => [
        r.url.split("?")[0],
        new URL(r.url, stub.url).searchParams.get("api-version"),
      ]),
    );
    expect(versions).toEqual({
      [ACCOUNT]: "2026-04-01",
      [VM]: "2026-04-01",
      [`/subscriptions/${ROLE_SUB}/providers/Microsoft.Network/networkWatchers`]: "2026-01-01",
      [`${VM}/extensions`]: "2026-04-01",
      [`/subscriptions/${ROLE_SUB}/providers/Microsoft.Authorization/roleAssignments`]:
        "2022-04-01",
      [ROLE_DEFINITION]: "2022-04-01",
    });
  });
});

test("every vendored example went through the adapters above", () => {
  expect([...examplesRead].sort()).toEqual(vendoredExamples());
});
