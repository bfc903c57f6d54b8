/**
 * What the webhook tells a caller whose payload it cannot use — the exact reason, since that text
 * is all an alert-rule author sees — and the target it reads from real ARM IDs (GUID
 * subscriptions, as Azure sends them).
 */
import { parseAlertPayload } from "../../lib/domain/alertPayload";
import {
  canonicalId,
  isWithinScope,
  parseCaptureTarget,
  parseStorageAccountId,
} from "../../lib/domain/armId";
import { VM_ID, firedCommonAlert, fixture } from "../support/fixtures";

const GUID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
const DISK = `/subscriptions/${GUID}/resourceGroups/prod-rg/providers/Microsoft.Compute/disks/os-disk`;

describe("payloads refused with their exact reason", () => {
  test.each([[null], [[]], ["a string"], [42]])(
    "%j: 400, the body must be a JSON object",
    (body) => {
      expect(parseAlertPayload(body)).toEqual({
        kind: "rejected",
        status: 400,
        message: "the body must be a JSON object",
      });
    },
  );

  test("an object of no known shape: 400 listing the shapes accepted", () => {
    expect(parseAlertPayload({ hello: "world" })).toEqual({
      kind: "rejected",
      status: 400,
      message:
        "unrecognised payload: expected the Common Alert Schema (schemaId azureMonitorCommonAlertSchema), " +
        "a metric alert (schemaId AzureMonitorMetricAlert), a classic metric alert (status and context) " +
        "or a direct request (targetVM, storageID, …)",
    });
  });

  test("an unknown schemaId: 400 naming it", () => {
    expect(parseAlertPayload({ schemaId: "Microsoft.Insights/activityLogs" })).toEqual({
      kind: "rejected",
      status: 400,
      message: 'unsupported schemaId "Microsoft.Insights/activityLogs"',
    });
  });

  test("a common-schema alert on a disk: 422 naming the field and the ID seen", () => {
    expect(parseAlertPayload(firedCommonAlert({}, DISK))).toEqual({
      kind: "rejected",
      status: 422,
      message: `data.essentials.alertTargetIDs: packet capture needs a virtual machine or scale set target; got ${JSON.stringify(DISK)}`,
    });
  });

  test("a common-schema alert without targets: 422 saying none were given", () => {
    const alert = firedCommonAlert() as { data: { essentials: Record<string, unknown> } };
    alert.data.essentials.alertTargetIDs = [];
    expect(parseAlertPayload(alert)).toEqual({
      kind: "rejected",
      status: 422,
      message:
        "data.essentials.alertTargetIDs: packet capture needs a virtual machine or scale set target; none given",
    });
  });

  test("a direct request naming a disk: 422 saying targetVM must be a VM or scale set", () => {
    expect(parseAlertPayload({ targetVM: DISK })).toEqual({
      kind: "rejected",
      status: 422,
      message: "targetVM must be the ARM resource ID of a virtual machine or scale set",
    });
  });

  test("a Resolved alert: ignored with the exact reason", () => {
    expect(parseAlertPayload(fixture("common-schema-metric-alert.json"))).toEqual({
      kind: "ignored",
      reason: "alert is Resolved; captures start only when an alert fires",
    });
  });
});

describe("real ARM IDs read into their parts", () => {
  test("a fired common-schema alert targets the VM with its GUID subscription", () => {
    const parsed = parseAlertPayload(firedCommonAlert());
    expect(parsed.kind).toBe("capture");
    if (parsed.kind !== "capture") return;
    expect(parsed.target).toEqual({
      resourceId: VM_ID,
      subscriptionId: "00000000-0000-0000-0000-000000000001",
      resourceGroup: "pipelinealertrg",
      name: "wcus-r2-gen2",
      kind: "virtualMachine",
    });
  });

  test("a scale set with a trailing slash: every segment whole, kind virtualMachineScaleSet", () => {
    const id = `/subscriptions/${GUID}/resourceGroups/prod-rg/providers/Microsoft.Compute/virtualMachineScaleSets/web-vmss`;
    expect(parseCaptureTarget(`${id}/`)).toEqual({
      resourceId: id,
      subscriptionId: GUID,
      resourceGroup: "prod-rg",
      name: "web-vmss",
      kind: "virtualMachineScaleSet",
    });
  });

  test("surrounding whitespace is trimmed before matching, and from the ID kept", () => {
    const id = `/subscriptions/${GUID}/resourceGroups/prod-rg/providers/Microsoft.Compute/virtualMachines/web-01`;
    expect(parseCaptureTarget(`  ${id}/ \n`)?.resourceId).toBe(id);
    const account = `/subscriptions/${GUID}/resourceGroups/capture-rg/providers/Microsoft.Storage/storageAccounts/capsprod01`;
    expect(parseStorageAccountId(` ${account}/ `)?.resourceId).toBe(account);
    expect(canonicalId(` ${account}/ `)).toBe(account.toLowerCase());
  });

  test("a scope contains itself and what lies under it, not a sibling sharing its prefix", () => {
    const rg = `/subscriptions/${GUID}/resourceGroups/prod-rg`;
    expect(isWithinScope(rg.toUpperCase(), rg)).toBe(true);
    expect(isWithinScope(`${rg}/providers/Microsoft.Compute/virtualMachines/web-01`, rg)).toBe(
      true,
    );
    expect(isWithinScope(`${rg}2/providers/Microsoft.Compute/virtualMachines/web-01`, rg)).toBe(
      false,
    );
  });

  test("a storage account ID: GUID subscription, group and account name", () => {
    const id = `/subscriptions/${GUID}/resourceGroups/capture-rg/providers/Microsoft.Storage/storageAccounts/capsprod01`;
    expect(parseStorageAccountId(id)).toEqual({
      resourceId: id,
      subscriptionId: GUID,
      resourceGroup: "capture-rg",
      name: "capsprod01",
    });
  });
});

describe("malformed payloads: the schema recognised, and the first field at fault", () => {
  test.each([
    [
      { schemaId: "azureMonitorCommonAlertSchema" },
      "malformed Common Alert Schema: data: Invalid input: expected object, received undefined",
    ],
    [
      { schemaId: "azureMonitorCommonAlertSchema", data: { essentials: { alertTargetIDs: "x" } } },
      "malformed Common Alert Schema: data.essentials.alertTargetIDs: Invalid input: expected array, received string",
    ],
    [
      { schemaId: "AzureMonitorMetricAlert", data: { status: "Activated" } },
      "malformed AzureMonitorMetricAlert: data.context: Invalid input: expected object, received undefined",
    ],
    [
      { status: "Activated", context: "x" },
      "malformed classic metric alert: context: Invalid input: expected object, received string",
    ],
    [
      { targetVM: 42 },
      "malformed direct request: targetVM: Invalid input: expected string, received number",
    ],
  ])("%j: 400 %s", (body, message) => {
    expect(parseAlertPayload(body)).toEqual({ kind: "rejected", status: 400, message });
  });

  test("an unknown schemaId is quoted clipped to 80 characters", () => {
    expect(parseAlertPayload({ schemaId: "x".repeat(100) })).toEqual({
      kind: "rejected",
      status: 400,
      message: `unsupported schemaId "${"x".repeat(80)}"`,
    });
  });

  test("a refusal shows at most three of the IDs seen, each clipped to 200 characters", () => {
    const alert = firedCommonAlert() as { data: { essentials: { alertTargetIDs: string[] } } };
    const long = `${DISK}/${"y".repeat(300)}`;
    alert.data.essentials.alertTargetIDs = [DISK, `${DISK}2`, long, `${DISK}4`];
    const seen = [DISK, `${DISK}2`, long.slice(0, 200)].map((id) => JSON.stringify(id)).join(", ");
    expect(parseAlertPayload(alert)).toEqual({
      kind: "rejected",
      status: 422,
      message: `data.essentials.alertTargetIDs: packet capture needs a virtual machine or scale set target; got ${seen}`,
    });
  });
});

describe("what a recognised payload carries", () => {
  const VM2 = VM_ID.replace("wcus-r2-gen2", "second-vm");

  test("a multi-resource alert: the first VM is the target, the other VMs (not disks, not itself) its peers", () => {
    const alert = firedCommonAlert() as { data: { essentials: { alertTargetIDs: string[] } } };
    alert.data.essentials.alertTargetIDs = [DISK, VM_ID, VM2, DISK, VM_ID];
    const result = parseAlertPayload(alert);
    expect(result).toMatchObject({ kind: "capture", target: { resourceId: VM_ID } });
    if (result.kind !== "capture") throw new Error("a capture");
    expect(result.otherTargets?.map((t) => t.resourceId)).toEqual([VM2]);
  });

  test("a fired non-common metric alert: its context becomes the alert's details", () => {
    const alert = fixture("azure-monitor-metric-alert-noncommon.json") as {
      data: { status: string; context: Record<string, unknown> };
    };
    alert.data.context.resourceId = VM_ID;
    alert.data.status = "Activated";
    const { context } = alert.data;
    expect(parseAlertPayload(alert)).toMatchObject({
      kind: "capture",
      target: { resourceId: VM_ID },
      alert: {
        schema: "nonCommon",
        ruleName: context.name,
        signalType: "Metric",
        firedAt: context.timestamp,
        alertId: context.id,
      },
    });
  });

  test.each([
    [
      "nonCommon",
      (context: object) => ({
        schemaId: "AzureMonitorMetricAlert",
        data: { status: "Activated", context },
      }),
    ],
    ["classic", (context: object) => ({ status: "Activated", context })],
  ] as const)(
    "a %s metric alert without properties or description: no overrides, description undefined (not null)",
    (schema, body) => {
      const context = { resourceId: VM_ID, name: "cpu-high", description: null };
      const result = parseAlertPayload(body(context));
      expect(result).toMatchObject({
        kind: "capture",
        target: parseCaptureTarget(VM_ID)!,
        alert: { schema, ruleName: "cpu-high", signalType: "Metric", description: undefined },
      });
      expect(result.kind === "capture" && result.overrides).toEqual({});
    },
  );

  test.each([
    [
      { schemaId: "AzureMonitorMetricAlert", data: { status: "Activated", context: {} } },
      "data.context.resourceId: packet capture needs a virtual machine or scale set target; none given",
    ],
    [
      { status: "Activated", context: { resourceId: DISK } },
      `context.resourceId: packet capture needs a virtual machine or scale set target; got ${JSON.stringify(DISK)}`,
    ],
  ])("a metric alert on no VM: 422 naming the field (%j)", (body, message) => {
    expect(parseAlertPayload(body)).toEqual({ kind: "rejected", status: 422, message });
  });

  test.each(["text", null])(
    "a RequestBody that is not an object (%j) leaves the payload read as it is",
    (RequestBody) => {
      const alert = fixture("classic-metric-alert.json") as { context: Record<string, unknown> };
      alert.context.resourceId = VM_ID;
      expect(parseAlertPayload({ ...alert, RequestBody })).toMatchObject({
        kind: "capture",
        alert: { schema: "classic" },
      });
    },
  );

  test.each([
    ["AzureMonitorCommonAlertSchema", "common"],
    ["AZUREMONITORCOMMONALERTSCHEMA", "common"],
    ["azureMonitorMetricAlert", "nonCommon"],
  ])("the schemaId %s is read in any casing (as %s)", (schemaId, schema) => {
    const body =
      schema === "common"
        ? { ...firedCommonAlert(), schemaId }
        : { schemaId, data: { status: "Activated", context: { resourceId: VM_ID } } };
    expect(parseAlertPayload(body)).toMatchObject({ kind: "capture", alert: { schema } });
  });

  test("a common-schema alert without alertTargetIDs still finds the VM in a dimension", () => {
    const alert = {
      schemaId: "azureMonitorCommonAlertSchema",
      data: {
        essentials: { monitorCondition: "Fired", description: null },
        alertContext: {
          condition: { allOf: [{ dimensions: [{ name: "_ResourceId", value: VM_ID }] }] },
        },
      },
    };
    const result = parseAlertPayload(alert);
    expect(result).toMatchObject({ kind: "capture", target: { resourceId: VM_ID } });
    // A null description (as Azure sends for a rule without one) is no description.
    expect(result.kind === "capture" && result.alert.description).toBeUndefined();
  });

  test("a common-schema alert whose condition is null is read from its targets", () => {
    const alert = firedCommonAlert() as { data: { alertContext: unknown } };
    alert.data.alertContext = { condition: null };
    expect(parseAlertPayload(alert)).toMatchObject({
      kind: "capture",
      target: { resourceId: VM_ID },
    });
  });

  test("a direct request's watcher defaults to the target's subscription; half a watcher is refused", () => {
    const targetVM = `/subscriptions/${GUID}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1`;
    expect(
      parseAlertPayload({
        targetVM,
        networkWatcherResourceGroup: "NetworkWatcherRG",
        networkWatcherName: "nw",
      }),
    ).toMatchObject({
      kind: "capture",
      watcher: { subscriptionId: GUID, resourceGroup: "NetworkWatcherRG", name: "nw" },
      overrides: {},
    });
    expect(
      parseAlertPayload({ targetVM, networkWatcherResourceGroup: "NetworkWatcherRG" }),
    ).toEqual({
      kind: "rejected",
      status: 422,
      message:
        "networkWatcherName and networkWatcherResourceGroup name one watcher: give both or neither",
    });
    expect(parseAlertPayload({ targetVM })).toEqual({
      kind: "capture",
      target: expect.objectContaining({ resourceId: targetVM }),
      alert: { schema: "direct", ruleName: "direct request" },
      overrides: {},
      watcher: undefined,
    });
  });
});
