/**
 * An in-memory recorder mailbox (lib/workflow/recorderMailbox) for tests of the raisers: it keeps
 * what was posted, in order, and can log each post beside the engine's raises so a test can
 * check the write came first.
 */
import type { RecorderMailbox } from "../../lib/workflow/recorderMailbox";
import type { MailboxRef, MailboxRequest } from "../../lib/workflow/recorderContracts";

export class MemoryMailbox implements RecorderMailbox {
  posted: Array<{ ref: MailboxRef; request: MailboxRequest }> = [];

  /** `log`, when given, records "post" on each write (the test's raise records its own entry). */
  constructor(private readonly log?: string[]) {}

  async post(ref: MailboxRef, request: MailboxRequest): Promise<void> {
    await Promise.resolve();
    this.posted.push({ ref, request });
    this.log?.push("post");
  }

  async read(ref: MailboxRef): Promise<MailboxRequest[]> {
    await Promise.resolve();
    return this.posted
      .filter((p) => p.ref.instanceId === ref.instanceId && p.ref.armedAt === ref.armedAt)
      .map((p) => p.request);
  }
}
