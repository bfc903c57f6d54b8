/**
 * The one status answer of a capture group: the group's own phase and, for every member, its
 * capture orchestration's runtime status and progress (phase, polls, last status). Members are
 * read through the same port the webhook uses, so it is testable without an engine.
 */
import type { GroupProgressState } from "../workflow/groupProgress";
import type { InstanceSnapshot } from "./captureStarter";

export interface GroupStatusReader {
  /** undefined when no instance with this ID exists. */
  read(
    instanceId: string,
  ): Promise<Pick<InstanceSnapshot, "runtimeStatus" | "customStatus" | "output"> | undefined>;
}

export interface GroupStatusAnswer {
  status: number;
  body: Record<string, unknown>;
}

const GROUP_ID = /^group-\d+-[0-9a-f]{16}$/;

export async function groupStatus(
  groupId: string,
  reader: GroupStatusReader,
): Promise<GroupStatusAnswer> {
  if (!GROUP_ID.test(groupId))
    return { status: 400, body: { error: "not a capture group id (group-<n>-<hash>)" } };
  const group = await reader.read(groupId);
  if (!group) return { status: 404, body: { error: `no capture group ${groupId}` } };
  const progress = group.customStatus as Partial<GroupProgressState> | null;
  const members = await Promise.all(
    (progress?.members ?? []).map(async (m) => {
      const member = await reader.read(m.instanceId);
      return {
        ...m,
        runtimeStatus: member?.runtimeStatus ?? "NotFound",
        progress: member?.customStatus ?? null,
      };
    }),
  );
  return {
    status: 200,
    body: {
      id: groupId,
      runtimeStatus: group.runtimeStatus,
      phase: progress?.phase ?? null,
      members,
      ...(group.runtimeStatus === "Completed" ? { output: group.output } : {}),
    },
  };
}
