// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
import { randomUUID } from "node:crypto";

/** DTFx execution ids and generated instance ids are GUIDs without dashes. */
export function newExecutionId(): string {
  return randomUUID().replaceAll("-", "");
}

export const newInstanceId = newExecutionId;

/** The extension's StartNewAsync checks, reported as the ArgumentException messages it throws. */
export function instanceIdProblem(instanceId: string): string | undefined {
  if (instanceId.startsWith("@")) return "Orchestration instance ids must not start with @.";
  // eslint-disable-next-line no-control-regex -- the extension refuses control characters
  if (/[/\\#?\u0000-\u001f\u007f-\u009f]/.test(instanceId))
    return "Orchestration instance ids must not contain /, \\, #, ?, or control characters.";
  if (instanceId.length > 256) return "Instance ID lengths must not exceed 256 characters.";
  return undefined;
}
