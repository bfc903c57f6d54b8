import {
  canonicalId,
  isWithinScope,
  parseCaptureTarget,
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
