import {
  armSegmentProblem,
  canonicalId,
  isWithinScope,
  parseCaptureTarget,
  parseScaleSetInstance,
  parseStorageAccountId,
} from "../../lib/domain/armId";
import { captureNameFor, instanceIdFor } from "../../lib/domain/naming";

describe("ARM IDs", () => {
  test("accepts VMs and scale sets in any casing, keeping the caller's spelling", () => {
    const lower = parseCaptureTarget(
      "/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/VM-1",
    );
    expect(lower).toEqual({
      resourceId:
        "/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/VM-1",
      subscriptionId: "s1",
      resourceGroup: "rg",
      name: "VM-1",
      kind: "virtualMachine",
    });
    expect(
      parseCaptureTarget(
        "/subscriptions/s1/resourceGroups/RG/providers/Microsoft.Compute/virtualMachineScaleSets/ss",
      )?.kind,
    ).toBe("virtualMachineScaleSet");
  });

  test.each([
    "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct",
    "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/ss/virtualMachines/0",
    "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/disks/d1",
    "not an id",
    "",
  ])("refuses %p as a capture target", (id) => {
    expect(parseCaptureTarget(id)).toBeUndefined();
  });

  test("a scale-set instance: its set (the caller's spelling) and its instance ID", () => {
    const set =
      "/subscriptions/s1/resourcegroups/RG/providers/microsoft.compute/virtualMachineScaleSets/web";
    expect(parseScaleSetInstance(` ${set}/VirtualMachines/12/ `)).toEqual({
      set: {
        resourceId: set,
        subscriptionId: "s1",
        resourceGroup: "RG",
        name: "web",
        kind: "virtualMachineScaleSet",
      },
      instanceId: "12",
    });
  });

  test.each([
    ["a leading zero (two spellings of one instance)", "ss/virtualMachines/01"],
    ["an instance name, not its ID", "ss/virtualMachines/ss_0"],
    ["a negative ID", "ss/virtualMachines/-1"],
    ["an ID past Int32's digits", "ss/virtualMachines/12345678901"],
    ["no instance", "ss/virtualMachines/"],
    ["a deeper path", "ss/virtualMachines/0/networkInterfaces/nic"],
    ["a set name Azure refuses", "bad;name/virtualMachines/0"],
    ["a dot-segment set name", "../virtualMachines/0"],
  ])("refuses %s as a scale-set instance", (_, tail) => {
    const id = `/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/${tail}`;
    expect(parseScaleSetInstance(id)).toBeUndefined();
  });

  test.each([
    "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/virtualMachines/0",
    "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/ss",
  ])("only a scale set's instance is one: refuses %p", (id) => {
    expect(parseScaleSetInstance(id)).toBeUndefined();
  });

  test("storage account IDs", () => {
    expect(
      parseStorageAccountId(
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/caps01",
      )?.name,
    ).toBe("caps01");
    expect(
      parseStorageAccountId(
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/Bad_Name",
      ),
    ).toBeUndefined();
  });

  test("scope checks ignore case and respect segment boundaries", () => {
    const id =
      "/subscriptions/S1/resourceGroups/Prod/providers/Microsoft.Compute/virtualMachines/vm";
    expect(isWithinScope(id, "/subscriptions/s1")).toBe(true);
    expect(isWithinScope(id, "/subscriptions/s1/resourcegroups/prod")).toBe(true);
    expect(isWithinScope(id, "/subscriptions/s1/resourcegroups/pro")).toBe(false);
    expect(canonicalId(`${id}/`)).toBe(id.toLowerCase());
  });

  test("instance and capture names are stable per target, whatever the casing", () => {
    const a = parseCaptureTarget(
      "/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/web01",
    )!;
    const b = parseCaptureTarget(
      "/subscriptions/S1/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/WEB01",
    )!;
    const other = parseCaptureTarget(
      "/subscriptions/s1/resourceGroups/rg2/providers/Microsoft.Compute/virtualMachines/web01",
    )!;
    expect(instanceIdFor(a)).toBe(instanceIdFor(b));
    expect(captureNameFor(a)).toBe(captureNameFor(b));
    expect(instanceIdFor(a)).not.toBe(instanceIdFor(other));
    expect(instanceIdFor(a)).toMatch(/^capture-web01-[0-9a-f]{10}$/);
    expect(captureNameFor(a).length).toBeLessThanOrEqual(80);
  });
});

describe("ARM name segments (Azure naming rules)", () => {
  test.each([
    ["virtualMachine", "web01", true],
    ["virtualMachine", "db.prod-1", true],
    ["virtualMachine", ".", false],
    ["virtualMachine", "..", false],
    ["virtualMachine", "a%2e", false],
    ["virtualMachine", "a\nb", false],
    ["virtualMachine", "x".repeat(65), false],
    ["resourceGroup", "Prod(1)_x", true],
    ["resourceGroup", "..", false],
    ["resourceGroup", "rg.", false],
    ["resourceGroup", "x".repeat(91), false],
    ["networkWatcher", "NetworkWatcher_westeurope", true],
    ["networkWatcher", "..", false],
    ["packetCapture", "alertcap-web01-0123456789", true],
    ["packetCapture", "-x", false],
    ["subscription", "00000000-0000-0000-0000-000000000000", true],
    ["subscription", "..", false],
  ] as const)("%s %j valid: %s", (segment, value, valid) => {
    expect(armSegmentProblem(segment, value) === undefined).toBe(valid);
  });

  test("a target or storage ID with a dot-segment or an over-long name is not an ID", () => {
    const vm = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm";
    expect(parseCaptureTarget(vm)).toBeDefined();
    expect(parseCaptureTarget(vm.replace("/rg/", "/../"))).toBeUndefined();
    expect(parseCaptureTarget(`${vm.slice(0, -2)}..`)).toBeUndefined();
    expect(parseCaptureTarget(`${vm}${"x".repeat(64)}`)).toBeUndefined();
    expect(
      parseStorageAccountId(
        "/subscriptions/s/resourceGroups/../providers/Microsoft.Storage/storageAccounts/caps01",
      ),
    ).toBeUndefined();
    expect(
      parseStorageAccountId(
        "/subscriptions/../resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/caps01",
      ),
    ).toBeUndefined();
  });
});

describe("case folding (Azure's ordinal, ASCII-only)", () => {
  test("the Kelvin sign is not a k: a look-alike resource group is outside the scope", () => {
    const kelvin =
      "/subscriptions/s1/resourceGroups/\u212Aprod/providers/Microsoft.Compute/virtualMachines/vm";
    expect("\u212A".toLowerCase()).toBe("k"); // what toLowerCase() would have let through
    expect(isWithinScope(kelvin, "/subscriptions/s1/resourceGroups/kprod")).toBe(false);
    expect(isWithinScope(kelvin, "/subscriptions/S1/resourceGroups/\u212APROD")).toBe(true);
    expect(canonicalId("/Subscriptions/S1/\u212A")).toBe("/subscriptions/s1/\u212A");
  });
});

describe("names derived from hostile targets (ReDoS)", () => {
  const target = (name: string) => ({
    resourceId: `/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${name}`,
    subscriptionId: "s1",
    resourceGroup: "rg",
    name,
    kind: "virtualMachine" as const,
  });

  test("a 200,000-character run of dashes is handled in one linear pass", () => {
    // `/^-+|-+$/g` backtracks over every dash from every start: quadratic, minutes at this size.
    const hostile = target(`a${"-".repeat(200_000)}b`);
    expect(instanceIdFor(hostile)).toMatch(/^capture-a-[0-9a-f]{10}$/);
    expect(captureNameFor(target(`--${"x".repeat(200_000)}`))).toMatch(
      /^alertcap-x{50}-[0-9a-f]{10}$/,
    );
  });

  test("readable names: lower-cased, other characters become dashes, trimmed, never empty", () => {
    expect(instanceIdFor(target("--Web_01--"))).toMatch(/^capture-web-01-[0-9a-f]{10}$/);
    expect(instanceIdFor(target("___"))).toMatch(/^capture-vm-[0-9a-f]{10}$/);
  });
});
