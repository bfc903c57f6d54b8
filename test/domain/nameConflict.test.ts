import { decideOnExisting } from "../../lib/domain/nameConflict";

const OURS = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1";

describe("what to do with a capture already holding our name", () => {
  test.each([
    [{ target: OURS, status: "Running" }, "adopt"],
    [{ target: OURS.toLowerCase(), status: "NotStarted" }, "adopt"],
    [{ target: OURS, status: "Stopped" }, "replace"],
    [{ target: OURS, status: "Error" }, "replace"],
    [{ target: OURS, status: undefined }, "replace"],
    [{ target: OURS, status: "NotStarted", provisioningState: "Failed" }, "replace"],
    [{ target: OURS.replace("vm1", "vm2"), status: "Running" }, "tryAnotherName"],
    [{ target: undefined, status: "Running" }, "tryAnotherName"],
  ])("%j → %s", (existing, decision) => {
    expect(decideOnExisting(existing, OURS)).toBe(decision);
  });
});
