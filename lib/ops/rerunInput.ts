/**
 * A re-run starts the same orchestration again with the input it was first given: that input
 * carries everything (target, capture settings, alert, policy fixed at the first start), so the
 * re-run captures exactly what the alert asked for — not what today's app settings would say.
 * Its essential shape is checked first so a damaged or foreign input is refused with a reason
 * rather than started and failed.
 */
import { z } from "zod";
import type { CaptureRequest } from "../domain/types";
import { decoded, type InstanceStatus } from "./captureView";

const essentials = z.object({
  target: z.object({
    resourceId: z.string().min(1),
    subscriptionId: z.string().min(1),
    resourceGroup: z.string().min(1),
    name: z.string().min(1),
    kind: z.enum(["virtualMachine", "virtualMachineScaleSet"]),
  }),
  settings: z.object({
    timeLimitInSeconds: z.number(),
    totalBytesPerSession: z.number(),
    bytesToCapturePerPacket: z.number(),
    filters: z.array(z.unknown()),
    storageAccountId: z.string().min(1),
  }),
  alert: z.object({ schema: z.string() }),
  captureName: z.string().min(1),
});

export type RerunInput = { ok: true; request: CaptureRequest } | { ok: false; message: string };

export function rerunInput(status: InstanceStatus): RerunInput {
  const input = decoded(status.input);
  const parsed = essentials.safeParse(input);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join(".") || "input";
    return {
      ok: false,
      message: `the instance's input is not a capture request (${where}); it cannot be re-run`,
    };
  }
  // The original object, not the parsed one: fields the check does not list (policy, watcher, statusUrl) must survive.
  return { ok: true, request: input as CaptureRequest };
}
