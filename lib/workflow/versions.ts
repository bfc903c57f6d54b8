/**
 * Orchestration versions. A capture lives up to 5 h plus its quota wait, so a deploy must not
 * change the steps an in-flight instance replays. The Durable extension stamps every new
 * instance with host.json's `extensions.durableTask.defaultVersion` (context.df.version, fixed
 * for the instance's life); the orchestrator branches on it so each instance keeps the steps of
 * the version it started on. See lib/workflow/README.md, "Versioning".
 */
import type { OrchestrationContext } from "durable-functions";

export const OrchestrationVersions = {
  /** Instances started before versioning carry no version: checkQuota was their first step. */
  unversioned: "",
  /** validateRequest is the first step. */
  validatesRequest: "2.0",
  /** A lost agent's partial file is looked for once and kept (outcome `partial`). */
  keepsPartialCaptures: "2.1",
  /**
   * Recorders validate their request first (validateRecorderRequest) and confirm the regional
   * cap right after starting (confirmRecorderCap). Captures are unchanged.
   */
  recorderGuards: "2.2",
  /**
   * Recorders take every freeze and disarm: one raised during a health check's activities (it
   * was lost before), and a freeze within a grace after the ring ended (phase `ringEnded`).
   */
  recorderTakesLateFreezes: "2.3",
  /** A scale set's capture is verified, summarized and linked file by file, one per instance. */
  perInstanceFiles: "2.4",
  /**
   * Capture groups compare a scale-set instance named as a member with its own file from the
   * set's per-instance files, and count a member's per-instance files as its capture.
   */
  groupInstanceMembers: "2.5",
  /**
   * Recorders continue as new every GENERATION_SECONDS of session, carrying the armed ring, and a
   * continued generation first reads the requests its raisers wrote to the mailbox (a freeze or
   * disarm the old generation had received but not taken is dropped by continueAsNew).
   */
  recorderGenerations: "2.6",
} as const;

/** The version new instances get: host.json's defaultVersion must say the same (a test checks). */
export const CURRENT_VERSION = OrchestrationVersions.recorderGenerations;

/** System.Version: two to four dot-separated non-negative integers. */
function dotNetVersion(text: string): number[] | undefined {
  if (!/^\d+(\.\d+){1,3}$/.test(text)) return undefined;
  const parts = text.split(".").map(Number);
  return parts.every((p) => p <= 2_147_483_647) ? parts : undefined;
}

/**
 * Orders versions as the extension does: empty (or absent) is older than any version; two
 * System.Version strings compare by component (a missing build/revision is older than 0);
 * anything else compares as case-insensitive text.
 */
export function compareVersions(a: string | undefined, b: string | undefined): number {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0);
  const [va, vb] = [dotNetVersion(a), dotNetVersion(b)];
  if (va && vb) {
    // Stryker disable next-line EqualityOperator: a fifth index is undefined on both sides (at most four parts), so its difference is 0.
    for (let i = 0; i < 4; i++) {
      const diff = (va[i] ?? -1) - (vb[i] ?? -1);
      if (diff !== 0) return Math.sign(diff);
    }
    return 0;
  }
  const [ua, ub] = [a.toUpperCase(), b.toUpperCase()];
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/** True when this instance started on `version` or later: the branch for new behaviour. */
export function startedOnOrAfter(context: OrchestrationContext, version: string): boolean {
  return compareVersions(context.df.version, version) >= 0;
}

/**
 * Why the instance's version is one no deploy ever stamped (an explicit version older than
 * `2.0`, named by a direct start to skip a newer first step); undefined when it is a real one.
 */
export function unstampedVersion(context: OrchestrationContext): string | undefined {
  const { version } = context.df;
  return version && !startedOnOrAfter(context, OrchestrationVersions.validatesRequest)
    ? `${version} is not an orchestration version this app ever used`
    : undefined;
}
