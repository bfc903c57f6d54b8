/**
 * The freezes and disarms written to one arming's mailbox (lib/workflow/recorderMailbox): what a
 * continued recorder generation reads first, since continueAsNew dropped any event the last
 * generation had received but not taken.
 */
import { permanentOrThrow } from "../lib/azure/armErrors";
import { blobRecorderMailbox } from "../lib/workflow/recorderMailbox";
import { ok, type ActivityResult } from "../lib/domain/activityResult";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import {
  RecorderActivities,
  type MailboxContents,
  type MailboxRef,
} from "../lib/workflow/recorderContracts";

export async function readRecorderMailbox(
  ref: MailboxRef,
  env: ActivityEnv,
): Promise<ActivityResult<MailboxContents>> {
  try {
    return ok({ requests: await blobRecorderMailbox(env.clients).read(ref) });
  } catch (error) {
    return permanentOrThrow(
      error,
      "MailboxUnreadable",
      "Grant the function app's identity Storage Blob Data Contributor on the capture storage account.",
    );
  }
}

defineActivity(RecorderActivities.readRecorderMailbox, readRecorderMailbox);
