/**
 * How the webhook and ops send a recorder a freeze or a disarm: write it to the arming's mailbox,
 * then raise the event. The order is what makes the pair watertight. A recorder continuing as new
 * drops an event its old generation received but had not taken; the new generation reads the
 * mailbox first, after the old one ended, so it finds every request whose event could have been
 * dropped — those were written before they were raised, so before the old generation ended.
 * An event raised after the hand-over reaches the new generation itself.
 *
 * The arming is the ring's `startedAt` in the recorder's status. A recorder whose status has none
 * yet is not armed: it hands over no sooner than GENERATION_SECONDS after arming, and a raiser
 * raises within its function timeout of reading the status, so that event lands in the first
 * generation, which takes every event — no mailbox entry is needed, and none is written.
 */
import { decoded } from "./captureView";
import type { InstanceSnapshot } from "./captureStore";
import type { RecorderMailbox } from "../workflow/recorderMailbox";
import {
  RecorderEvents,
  type MailboxRef,
  type MailboxRequest,
  type RecorderRequest,
} from "../workflow/recorderContracts";

/** What a raiser needs: the engine's raise and the mailbox. */
export interface RecorderRequestPorts {
  raise: (instanceId: string, eventName: string, data: unknown) => Promise<void>;
  mailbox: RecorderMailbox;
}

/** The arming's mailbox, read from the recorder's status as the raiser saw it; none before arming. */
export function mailboxOf(instanceId: string, seen: InstanceSnapshot): MailboxRef | undefined {
  const progress = decoded(seen.customStatus) as { startedAt?: unknown } | null | undefined;
  const input = decoded(seen.input) as Partial<RecorderRequest> | null | undefined;
  const armedAt = progress?.startedAt;
  const storageAccountId = input?.settings?.storageAccountId;
  return typeof armedAt === "string" && typeof storageAccountId === "string"
    ? { instanceId, armedAt, storageAccountId }
    : undefined;
}

/** Writes `request` to the mailbox of the arming `seen` shows, then raises it on the recorder. */
export async function raiseRecorderRequest(
  ports: RecorderRequestPorts,
  instanceId: string,
  seen: InstanceSnapshot,
  request: MailboxRequest,
): Promise<void> {
  const mailbox = mailboxOf(instanceId, seen);
  if (mailbox) await ports.mailbox.post(mailbox, request);
  if (request.kind === "freeze")
    await ports.raise(instanceId, RecorderEvents.freeze, request.event);
  else await ports.raise(instanceId, RecorderEvents.disarm, null);
}
