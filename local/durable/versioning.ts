// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Orchestration versioning as the Durable extension applies host.json's
 * `extensions.durableTask.defaultVersion` / `versionMatchStrategy` / `versionFailureStrategy`:
 * a new instance is stamped with the default version (unless its start names one) and keeps
 * it for life, in its ExecutionStarted event; a worker runs only instances whose version the
 * strategy accepts, and either leaves the others for a worker that can (Reject) or fails them
 * (Fail). Versions are ordered by the same rules the orchestrator branches on.
 */
import { compareVersions } from "../../lib/workflow/versions";

export interface VersioningSettings {
  /** Empty: versioning is off — instances get no version and every worker runs every instance. */
  defaultVersion: string;
  matchStrategy: "None" | "Strict" | "CurrentOrOlder";
  failureStrategy: "Reject" | "Fail";
}

export const versioningOff: VersioningSettings = {
  defaultVersion: "",
  matchStrategy: "CurrentOrOlder",
  failureStrategy: "Reject",
};

/** Why this worker must not run an instance of `version`, or undefined when it may. */
export function versionMismatch(version: string, settings: VersioningSettings): string | undefined {
  if (!settings.defaultVersion || settings.matchStrategy === "None") return undefined;
  const order = compareVersions(version, settings.defaultVersion);
  if (settings.matchStrategy === "Strict" ? order === 0 : order <= 0) return undefined;
  return `The orchestration version '${version}' is not accepted by this worker (defaultVersion '${settings.defaultVersion}', versionMatchStrategy ${settings.matchStrategy}).`;
}
