/**
 * The orchestration's tunables, their defaults and their ranges — the one place these numbers
 * live: app settings fall back to the defaults and are held to the ranges, and a capture request
 * that reaches the orchestration is held to the same ranges.
 */
import type { OrchestrationPolicy } from "./types";

export const DEFAULT_POLICY: OrchestrationPolicy = {
  quotaWaitSeconds: 900,
  quotaRecheckSeconds: 60,
  deadlineGraceSeconds: 120,
  summarize: true,
};

/** Inclusive ranges of the numeric tunables. */
export const POLICY_LIMITS = {
  quotaWaitSeconds: { min: 0, max: 86400 },
  quotaRecheckSeconds: { min: 5, max: 3600 },
  deadlineGraceSeconds: { min: 10, max: 3600 },
} as const;
