// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * The slice of `Microsoft.Compute` an agent check needs, on the paths @azure/arm-compute v25 calls:
 * GET a VM / scale set, list and get its extensions, and PUT an extension (201 + `Azure-AsyncOperation`;
 * installing the Network Watcher agent this way makes the machine capturable). Every VM ID exists
 * (fresh-subscription default); region comes from the inventory.
 */
import { createHash } from "node:crypto";
import { invalidParameter, notFound } from "../armHttp";
import { computeTarget, type ComputeTarget } from "../armIds";
import type { FaultController } from "../faults";
import type { Inventory } from "../inventory";
import type { OperationOutcome, OperationRegistry } from "../operations";
import { pageOf } from "../paging";
import { route, type RequestContext, type Route } from "../router";
import type { ExtensionRecord, ExtensionStore } from "./extensionStore";

export interface ComputeRouteDeps {
  inventory: Inventory;
  extensions: ExtensionStore;
  operations: OperationRegistry;
  faults: FaultController;
  pageSize: number;
}

const KINDS = [
  {
    kind: "virtualMachines",
    param: "vmName",
    machineOp: "VirtualMachines",
    extensionOp: "VirtualMachineExtensions",
    extParam: "vmExtensionName",
  },
  {
    kind: "virtualMachineScaleSets",
    param: "vmScaleSetName",
    machineOp: "VirtualMachineScaleSets",
    extensionOp: "VirtualMachineScaleSetExtensions",
    extParam: "vmssExtensionName",
  },
] as const;

export const COMPUTE_LRO_OPERATIONS = KINDS.map((k) => `${k.extensionOp}_CreateOrUpdate`);

export function computeRoutes(deps: ComputeRouteDeps): Route[] {
  return KINDS.flatMap(({ kind, param, machineOp, extensionOp, extParam }) => {
    const machine = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/${kind}/{${param}}`;
    const targetOf = (ctx: RequestContext): ComputeTarget =>
      computeTarget(
        ctx.params["subscriptionId"] ?? "",
        ctx.params["resourceGroupName"] ?? "",
        kind,
        ctx.params[param] ?? "",
      );
    // A VM extension is a tracked resource (location required); a scale-set extension has none.
    const extensionJson = (target: ComputeTarget) => (ext: ExtensionRecord) =>
      extensionResource(
        { id: target.id, type: `Microsoft.Compute/${target.kind}` },
        ext,
        target.kind === "virtualMachines" ? deps.inventory.placement(target).region : undefined,
      );

    return [
      ...(kind === "virtualMachineScaleSets" ? [instancesRoute(machine, targetOf, deps)] : []),
      route("GET", machine, `${machineOp}_Get`, (ctx) => ({
        status: 200,
        body: machineResource(targetOf(ctx), deps.inventory),
      })),
      route("GET", `${machine}/extensions`, `${extensionOp}_List`, (ctx) => {
        const target = targetOf(ctx);
        const items = deps.extensions.list(target);
        // VM extensions come back as one `{value}` document; scale-set extensions are a pageable list.
        return kind === "virtualMachines"
          ? { status: 200, body: { value: items.map(extensionJson(target)) } }
          : pageOf(items, ctx, deps.pageSize, extensionJson(target));
      }),
      route("GET", `${machine}/extensions/{${extParam}}`, `${extensionOp}_Get`, (ctx) => {
        const target = targetOf(ctx);
        const ext = deps.extensions.get(target, ctx.params[extParam] ?? "");
        if (!ext) throw notFound(`${target.id}/extensions/${ctx.params[extParam]}`);
        return { status: 200, body: extensionJson(target)(ext) };
      }),
      route(
        "PUT",
        `${machine}/extensions/{${extParam}}`,
        `${extensionOp}_CreateOrUpdate`,
        (ctx) => {
          const target = targetOf(ctx);
          const name = ctx.params[extParam] ?? "";
          const existing = deps.extensions.get(target, name);
          const record: ExtensionRecord = {
            ...parseExtension(ctx.body),
            name: existing?.name ?? name,
            provisioningState: existing ? "Updating" : "Creating",
          };
          deps.extensions.put(target, record);
          const failure = deps.faults.takeLroFailure(`${extensionOp}_CreateOrUpdate`);
          const installed = new Promise<OperationOutcome>((resolve) =>
            setImmediate(() => {
              record.provisioningState = failure ? "Failed" : "Succeeded";
              if (failure) return resolve({ outcome: "failed", ...failure });
              resolve({ outcome: "succeeded", response: { status: 200 } });
            }),
          );
          const scope = {
            subscriptionId: target.subscriptionId,
            region: deps.inventory.placement(target).region,
            provider: "Microsoft.Compute" as const,
            apiVersion: ctx.query.get("api-version") ?? "",
          };
          const op = deps.operations.start(ctx.baseUrl, scope, installed);
          return {
            status: existing ? 200 : 201,
            headers: { "azure-asyncoperation": op.asyncOperationUrl, "retry-after": "0" },
            body: extensionJson(target)(record),
          };
        },
      ),
    ];
  });
}

/**
 * `GET …/virtualMachineScaleSets/{set}/virtualMachines` (VirtualMachineScaleSetVMs_List, pageable):
 * the inventory's instances, named `{set}_{instanceId}` as Azure names them, each with the
 * extensions it runs as its `resources`.
 */
function instancesRoute(
  machine: string,
  targetOf: (ctx: RequestContext) => ComputeTarget,
  deps: ComputeRouteDeps,
): Route {
  return route("GET", `${machine}/virtualMachines`, "VirtualMachineScaleSetVMs_List", (ctx) => {
    const set = targetOf(ctx);
    const region = deps.inventory.placement(set).region;
    return pageOf(deps.inventory.instances(set), ctx, deps.pageSize, (instance) => {
      const { instanceId } = instance;
      const { extensions, latestModelApplied } = deps.extensions.instanceState(set, instance);
      const vm = {
        id: `${set.id}/virtualMachines/${instanceId}`,
        type: "Microsoft.Compute/virtualMachineScaleSets/virtualMachines",
      };
      return {
        ...vm,
        name: `${set.name}_${instanceId}`,
        location: region,
        instanceId,
        properties: {
          vmId: stableUuid(`${set.key}/${instanceId}`),
          latestModelApplied,
          provisioningState: "Succeeded",
        },
        // The VM's own extensions (VirtualMachineExtension, a tracked resource: location required),
        // named under the instance as Compute names them (VirtualMachineScaleSetVMExtension_Create
        // example: `…/virtualMachines/0/extensions/…`, type `…/virtualMachines/extensions`).
        resources: extensions.map((ext) => extensionResource(vm, ext, region)),
      };
    });
  });
}

function parseExtension(body: unknown): Omit<ExtensionRecord, "name" | "provisioningState"> {
  const props =
    typeof body === "object" && body !== null
      ? (body as Record<string, unknown>)["properties"]
      : undefined;
  if (typeof props !== "object" || props === null)
    throw invalidParameter("properties is required.");
  const p = props as Record<string, unknown>;
  const text = (key: string, required: boolean): string | undefined => {
    const v = p[key];
    if (v === undefined && !required) return undefined;
    if (typeof v !== "string" || v.length === 0)
      throw invalidParameter(`properties.${key} must be a non-empty string.`);
    return v;
  };
  const flag = (key: string): boolean | undefined =>
    typeof p[key] === "boolean" ? p[key] : undefined;
  const typeHandlerVersion = text("typeHandlerVersion", false);
  const autoUpgradeMinorVersion = flag("autoUpgradeMinorVersion");
  const enableAutomaticUpgrade = flag("enableAutomaticUpgrade");
  return {
    publisher: text("publisher", true) as string,
    type: text("type", true) as string,
    ...(typeHandlerVersion !== undefined && { typeHandlerVersion }),
    ...(autoUpgradeMinorVersion !== undefined && { autoUpgradeMinorVersion }),
    ...(enableAutomaticUpgrade !== undefined && { enableAutomaticUpgrade }),
    ...(p["settings"] !== undefined && { settings: p["settings"] }),
  };
}

function machineResource(target: ComputeTarget, inventory: Inventory): unknown {
  const region = inventory.placement(target).region;
  const osDisk = { osType: "Linux", name: `${target.name}_OsDisk`, createOption: "FromImage" };
  const properties =
    target.kind === "virtualMachines"
      ? { vmId: stableUuid(target.key), provisioningState: "Succeeded", storageProfile: { osDisk } }
      : {
          uniqueId: stableUuid(target.key),
          provisioningState: "Succeeded",
          upgradePolicy: { mode: inventory.upgradeMode(target) },
          virtualMachineProfile: { storageProfile: { osDisk } },
        };
  return {
    id: target.id,
    name: target.name,
    type: `Microsoft.Compute/${target.kind}`,
    location: region,
    properties,
  };
}

/** An extension as its parent (VM, scale set or scale-set VM) lists it; `location` only where the model has one. */
function extensionResource(
  parent: { id: string; type: string },
  ext: ExtensionRecord,
  location: string | undefined,
): unknown {
  const { name, provisioningState, ...settings } = ext;
  return {
    id: `${parent.id}/extensions/${name}`,
    name,
    type: `${parent.type}/extensions`,
    ...(location !== undefined && { location }),
    properties: { ...settings, provisioningState },
  };
}

/** VM IDs are GUIDs that stay the same for the same resource. */
function stableUuid(key: string): string {
  const h = createHash("sha256").update(key).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
