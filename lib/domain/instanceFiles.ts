/**
 * Which scale-set instance each capture file belongs to. Network Watcher writes one file per
 * instance, but Microsoft documents only the folder (`…/virtualmachinescalesets/{set}/{y}/{m}/{d}/
 * packetCapture_{time}` when several instances capture) and, for one instance, the path
 * `…/virtualMachines/{instance}/…/packetCapture_{time}.cap`; the names inside the folder are not
 * documented. So a file is attributed only by what the documented layout shows: a path segment
 * after `virtualMachines` naming the instance, or a segment (extension dropped) equal to the
 * instance's own name (`{set}_{id}`). A file that matches no instance is still verified, summarized
 * and linked, just without an instance ID. Pure.
 */

/** One VM of a scale set, as Compute lists it. */
export interface ScaleSetInstance {
  instanceId: string;
  /** The instance's resource name, `{set}_{instanceId}` on Azure. */
  name?: string;
}

/** Network Watcher's `scope`: instances to include / exclude (IDs or names); empty means all. */
export interface InstanceScope {
  include?: string[];
  exclude?: string[];
}

const same = (a: string, b: string | undefined): boolean =>
  b !== undefined && a.toLowerCase() === b.toLowerCase();

function named(instance: ScaleSetInstance, ids: readonly string[]): boolean {
  return ids.some((id) => same(id, instance.instanceId) || same(id, instance.name));
}

/**
 * The instances a capture with `scope` runs on: "If both included and excluded are empty, then
 * the packet capture will run on all instances" (PacketCaptureMachineScope). Scope entries may be
 * instance IDs or names (the docs show both), so either matches.
 */
export function instancesInScope<I extends ScaleSetInstance>(
  instances: readonly I[],
  scope: InstanceScope | undefined,
): I[] {
  const include = scope?.include ?? [];
  const exclude = scope?.exclude ?? [];
  return instances.filter((i) => (include.length === 0 || named(i, include)) && !named(i, exclude));
}

/**
 * The scope's `include` entries that name no instance of the set (by ID or name). Network Watcher
 * would capture the instances that do exist and leave these without a file, so the capture is
 * refused before it starts instead (an instance named in `capturePeers` becomes such an entry).
 */
export function unknownIncluded(
  instances: readonly ScaleSetInstance[],
  scope: InstanceScope | undefined,
): string[] {
  return (scope?.include ?? []).filter((id) => !instances.some((i) => named(i, [id])));
}

/** The instance a blob belongs to, by the documented layout's segments; undefined when none says. */
export function instanceOfBlob(
  blobPath: string,
  instances: readonly ScaleSetInstance[],
): ScaleSetInstance | undefined {
  const segments = blobPath
    .split("/")
    .filter(Boolean)
    .map((s) => decodeURIComponent(s).replace(/\.(p?cap|pcapng)$/i, ""));
  const afterVirtualMachines = segments.flatMap((s, i) =>
    same(s, "virtualmachines") && segments[i + 1] !== undefined ? [segments[i + 1]!] : [],
  );
  return instances.find(
    (instance) =>
      afterVirtualMachines.some((s) => same(s, instance.instanceId) || same(s, instance.name)) ||
      segments.some((s) => same(s, instance.name)),
  );
}

/**
 * Instances with no file, in the order Compute listed them. A file no path segment attributes
 * could be any instance's: while there are at least as many of those as unattributed instances,
 * no instance is said to be missing; past that, every unattributed instance is named (which of
 * them the anonymous files belong to cannot be told).
 */
export function instancesWithoutFile(
  expected: readonly ScaleSetInstance[],
  files: ReadonlyArray<{ instanceId?: string }>,
): string[] {
  const anonymous = files.filter((f) => f.instanceId === undefined).length;
  const without = expected
    .map((i) => i.instanceId)
    .filter((id) => !files.some((f) => f.instanceId === id));
  return without.length <= anonymous ? [] : without;
}
