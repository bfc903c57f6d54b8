// The local host's registry of what the app registered: lookups by trigger type, which the
// engine makes on every episode and activity, answer from an index kept until the list changes.
import { FunctionRegistry } from "../../../local/host/coreApi";

function register(registry: FunctionRegistry, name: string, trigger: string) {
  return registry.register(
    { name, bindings: { input: { type: trigger, direction: "in" } } },
    () => undefined,
  );
}

const names = (registry: FunctionRegistry, type: string): string[] =>
  registry.byTrigger(type).map((f) => f.metadata.name);

describe("FunctionRegistry.byTrigger", () => {
  it("finds the functions of one trigger type, whatever its case", () => {
    const registry = new FunctionRegistry();
    register(registry, "captureOrchestrator", "orchestrationTrigger");
    register(registry, "validateRequest", "activityTrigger");
    register(registry, "checkQuota", "activityTrigger");
    expect(names(registry, "activityTrigger")).toEqual(["validateRequest", "checkQuota"]);
    expect(names(registry, "ORCHESTRATIONTRIGGER")).toEqual(["captureOrchestrator"]);
    expect(names(registry, "httpTrigger")).toEqual([]);
  });

  it("answers for the current list after a lookup: a later registration or disposal shows", () => {
    const registry = new FunctionRegistry();
    register(registry, "validateRequest", "activityTrigger");
    expect(names(registry, "activityTrigger")).toEqual(["validateRequest"]);
    const later = register(registry, "checkQuota", "activityTrigger");
    expect(names(registry, "activityTrigger")).toEqual(["validateRequest", "checkQuota"]);
    later.dispose();
    expect(names(registry, "activityTrigger")).toEqual(["validateRequest"]);
  });
});
