/**
 * Names derived from the target. Both are stable per target (lower-cased ARM ID), so a webhook
 * retry, a second alert and a re-run all land on the same orchestration and the same capture.
 */
import { createHash } from "node:crypto";
import { ARM_NAME_LIMITS, canonicalId } from "./armId";
import type { CaptureTarget } from "./types";

function shortHash(target: CaptureTarget): string {
  return createHash("sha256").update(canonicalId(target.resourceId)).digest("hex").slice(0, 10);
}

/**
 * A readable VM name keeps the ID recognisable in lists; the hash keeps it unique across resource
 * groups. One linear pass, no regex: a trim like `/^-+|-+$/` backtracks quadratically over a long
 * run of dashes, and the name comes from an untrusted alert. The name is clipped to Azure's VM
 * name limit first, so nothing longer is ever walked.
 */
function readableName(target: CaptureTarget, maxLength: number): string {
  let mapped = "";
  let inRun = false;
  for (const char of target.name.slice(0, ARM_NAME_LIMITS.virtualMachine)) {
    const lower = char >= "A" && char <= "Z" ? char.toLowerCase() : char;
    const kept = (lower >= "a" && lower <= "z") || (lower >= "0" && lower <= "9") || lower === "-";
    // Each run of other characters becomes one dash; `-` itself is kept as typed.
    if (kept) mapped += lower;
    else if (!inRun) mapped += "-";
    inRun = !kept;
  }
  // A read past either end is undefined, never "-", so the walks need no bounds of their own: on
  // an all-dash name `end` walks below `start` and the slice is empty.
  let start = 0;
  while (mapped[start] === "-") start++;
  let end = mapped.length;
  while (mapped[end - 1] === "-") end--;
  return mapped.slice(start, end).slice(0, maxLength) || "vm";
}

/** Durable instance ID: one orchestration per target at a time. */
export function instanceIdFor(target: CaptureTarget): string {
  return `capture-${readableName(target, 40)}-${shortHash(target)}`;
}

/** Packet-capture resource name under the watcher (Azure documents no rule; we stay within networkWatchers' 1-80 alphanumerics/-/_). */
export function captureNameFor(target: CaptureTarget): string {
  return `alertcap-${readableName(target, 50)}-${shortHash(target)}`;
}

/** A second name for when ours is taken by a capture of another target. */
export function suffixedCaptureName(base: string, attempt: number): string {
  return `${base}-${attempt}`;
}

/**
 * Durable instance ID of a VM's flight recorder: its own prefix, so a recorder and a one-shot
 * capture of the same VM run side by side, and a second arm request lands on the armed one.
 */
export function recorderInstanceIdFor(target: CaptureTarget): string {
  return `recorder-${readableName(target, 40)}-${shortHash(target)}`;
}

/** Prefix of every ring capture's resource name: how the per-region recorder cap counts them. */
export const RING_CAPTURE_PREFIX = "alertring-";

/** Packet-capture resource name of a VM's continuous capture, distinct from its one-shot name. */
export function ringCaptureNameFor(target: CaptureTarget): string {
  return `${RING_CAPTURE_PREFIX}${readableName(target, 50)}-${shortHash(target)}`;
}
