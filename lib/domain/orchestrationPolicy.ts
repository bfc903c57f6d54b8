/**
 * The orchestration's tunables and their defaults — the one place these numbers live: app
 * settings fall back to them, and the orchestrator fills in what an older input lacks.
 */
import type { OrchestrationPolicy } from "./types";

export const DEFAULT_POLICY: OrchestrationPolicy = {
  quotaWaitSeconds: 900,
  quotaRecheckSeconds: 60,
  deadlineGraceSeconds: 120,
  summarize: true,
};
