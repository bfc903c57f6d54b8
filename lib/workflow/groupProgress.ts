/**
 * A capture group's custom status: its phase and, per member, the VM, the capture
 * orchestration's instance ID and whether the group started or joined it. The members' own
 * progress is in their instances; the group status endpoint shows both in one answer.
 */
import type { OrchestrationContext } from "durable-functions";
import type { GroupOutcome, GroupRequest } from "./groupContracts";
import type { Phase } from "./phases";

export interface GroupProgressState {
  phase: Phase;
  members: Array<{ name: string; target: string; instanceId: string; role: "started" | "joined" }>;
  outcome?: GroupOutcome;
}

export class GroupProgress {
  private state: GroupProgressState;

  constructor(
    private readonly context: OrchestrationContext,
    request: GroupRequest,
  ) {
    this.state = {
      phase: "accepted",
      members: request.members.map((m) => ({
        name: m.request.target.name,
        target: m.request.target.resourceId,
        instanceId: m.instanceId,
        role: "started",
      })),
    };
    context.df.setCustomStatus(this.state);
  }

  enter(phase: Phase): void {
    this.update({ phase });
  }

  /** The members run; those in `joined` were already capturing for another alert. */
  capturing(joined: readonly string[]): void {
    this.update({ phase: "capturingGroup", members: this.withJoined(joined) });
  }

  waitingForJoined(joined: readonly string[]): void {
    if (joined.length > 0)
      this.update({ phase: "waitingForJoined", members: this.withJoined(joined) });
  }

  done(outcome: GroupOutcome): void {
    this.update({ phase: "done", outcome });
  }

  private withJoined(joined: readonly string[]): GroupProgressState["members"] {
    return this.state.members.map((m) =>
      joined.includes(m.instanceId) ? { ...m, role: "joined" } : m,
    );
  }

  private update(change: Partial<GroupProgressState>): void {
    this.state = { ...this.state, ...change };
    this.context.df.setCustomStatus(this.state);
  }
}
