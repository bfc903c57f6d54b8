/**
 * Which capture files a group compares. A member is one capture; a scale-set member whose
 * instances the alert named on their own contributes one file per such instance, taken from its
 * capture's per-instance files, so two instances of one set are compared like two VMs. Pure.
 */
import type { CaptureReport, VerifyBlobOutput } from "./contracts";
import type { GroupMember } from "./groupContracts";

/** One file to compare, named for the notification; `blob` absent when storage holds none for it. */
export interface ComparedFile {
  name: string;
  blob?: VerifyBlobOutput;
}

/**
 * The member's files in the order named: its one blob, or each named instance's file (named as
 * Azure names instances, `{set}_{instanceId}`). An instance whose file no documented path segment
 * attributes to it has none here: comparing an anonymous file could compare the wrong VM.
 */
export function filesToCompare(
  member: GroupMember,
  report: CaptureReport | undefined,
): ComparedFile[] {
  const setName = member.request.target.name;
  if (!member.instances) return [{ name: setName, ...(report?.blob && { blob: report.blob }) }];
  return member.instances.map((instanceId) => {
    const file = report?.instances?.files.find((f) => f.instanceId === instanceId);
    const name = `${setName}_${instanceId}`;
    if (!file) return { name };
    return {
      name,
      blob: { storagePath: file.storagePath, sizeBytes: file.sizeBytes, format: file.format },
    };
  });
}

/**
 * Whether the member's capture landed: every named instance's file, or else its one blob or (a
 * scale set captured whole) at least one instance's file.
 */
export function captureLanded(member: GroupMember, report: CaptureReport | undefined): boolean {
  if (member.instances) return filesToCompare(member, report).every((f) => f.blob !== undefined);
  return report?.blob !== undefined || (report?.instances?.files.length ?? 0) > 0;
}
