/**
 * Network Watcher's filter notation (PacketCaptureFilter): protocol TCP|UDP|Any; addresses and
 * ports as a single value, one range `a-b`, or a `;`-separated list (a trailing `;` is allowed,
 * as in the spec's own example). The spec says ranges and lists cannot be mixed and only one
 * range is supported, so both are refused here rather than by ARM after the capture was queued.
 */
import { isIP } from "node:net";
import { z } from "zod";

type Validator = (value: string) => string | undefined;

/** Splits a spec into its parts, or explains why the notation is not one Network Watcher accepts. */
function checkNotation(
  value: string,
  single: Validator,
  compare: (a: string, b: string) => boolean,
): string | undefined {
  const spec = value.trim();
  if (spec === "") return undefined;
  if (spec.includes("-") && spec.includes(";")) return "ranges and ;-lists cannot be mixed";
  if (spec.includes("-")) {
    const bounds = spec.split("-");
    if (bounds.length !== 2) return "only one range a-b is supported";
    const [low, high] = bounds.map((b) => b.trim()) as [string, string];
    return (
      single(low) ??
      single(high) ??
      (compare(low, high) ? undefined : `range start ${low} is after its end ${high}`)
    );
  }
  // The spec is trimmed and not empty, so at least one item is left after dropping the empty one
  // a trailing `;` leaves (";" alone leaves "", refused as an address): no list is ever empty.
  const items = spec.split(";").map((s) => s.trim());
  if (items[items.length - 1] === "") items.pop();
  for (const item of items) {
    const problem = single(item);
    if (problem) return problem;
  }
  return undefined;
}

const singleIp: Validator = (value) =>
  isIP(value) ? undefined : `"${value.slice(0, 60)}" is not an IP address`;
const singlePort: Validator = (value) =>
  /^\d{1,5}$/.test(value) && Number(value) <= 65535
    ? undefined
    : `"${value.slice(0, 20)}" is not a port (0-65535)`;

function ipOrder(a: string, b: string): boolean {
  if (isIP(a) !== isIP(b)) return false;
  if (isIP(a) === 4) return ipv4ToNumber(a) <= ipv4ToNumber(b);
  return true; // IPv6 ranges: order is the agent's business; the notation is valid.
}

function ipv4ToNumber(address: string): number {
  return address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

export function ipSpecProblem(value: string): string | undefined {
  return checkNotation(value, singleIp, ipOrder);
}

export function portSpecProblem(value: string): string | undefined {
  return checkNotation(value, singlePort, (a, b) => Number(a) <= Number(b));
}

const ipSpec = z
  .string()
  .max(1000)
  .superRefine((value, ctx) => {
    const problem = ipSpecProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
const portSpec = z
  .string()
  .max(1000)
  .superRefine((value, ctx) => {
    const problem = portSpecProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const captureFilterSchema = z.strictObject({
  protocol: z.enum(["TCP", "UDP", "Any"]).optional(),
  localIPAddress: ipSpec.optional(),
  remoteIPAddress: ipSpec.optional(),
  localPort: portSpec.optional(),
  remotePort: portSpec.optional(),
});

/** Network Watcher applies "multiple filters"; a few dozen is already more than an agent's BPF should carry. */
export const captureFiltersSchema = z.array(captureFilterSchema).max(50);
