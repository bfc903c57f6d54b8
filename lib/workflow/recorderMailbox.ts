/**
 * A recorder's mailbox: each freeze or disarm its raisers (the webhook, ops) send, written as a
 * small JSON blob in the ring's capture container before the event is raised. A continued
 * generation reads its arming's requests first, because continueAsNew drops an event the old
 * execution had received but not taken (orchestrators/recorderOrchestrator.ts, readMailbox).
 * Keyed by instance and arming time, so an earlier arming of the same VM is never read.
 */
import { randomUUID } from "node:crypto";
import type { ContainerClient } from "@azure/storage-blob";
import { z } from "zod";
import type { MailboxRef, MailboxRequest } from "./recorderContracts";
import { isNotFound } from "../azure/armErrors";
import { readActivitySettings } from "../config/appSettings";
import { azureClients, type AzureClients } from "../azure/clients";

export interface RecorderMailbox {
  /** Writes one request; resolves once it is stored. */
  post(ref: MailboxRef, request: MailboxRequest): Promise<void>;
  /** The arming's requests, oldest first; none when nothing was written. */
  read(ref: MailboxRef): Promise<MailboxRequest[]>;
}

/** Blob name prefix of one arming's requests (ISO times sort as text, so names sort by write). */
export function mailboxPrefix({ instanceId, armedAt }: MailboxRef): string {
  return `recorder-mailbox/${instanceId}/${armedAt}/`;
}

// Written by this app only, but read back from storage: checked before the recorder acts on it.
const requestSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("freeze"),
    writtenAt: z.string(),
    event: z.looseObject({
      firedAt: z.string(),
      lookbackSeconds: z.number(),
      postTriggerSeconds: z.number(),
      alert: z.looseObject({}),
    }),
  }),
  z.object({ kind: z.literal("disarm"), writtenAt: z.string() }),
]);

/** A stored request, or undefined for anything else a blob in the prefix may hold (never thrown:
 * one stray blob must not fail the recorder that reads the mailbox). */
function asRequest(text: string): MailboxRequest | undefined {
  try {
    const parsed = requestSchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as MailboxRequest) : undefined;
  } catch {
    return undefined;
  }
}

async function upload(container: ContainerClient, name: string, text: string): Promise<void> {
  const blob = container.getBlockBlobClient(name);
  const options = { blobHTTPHeaders: { blobContentType: "application/json" } };
  try {
    await blob.upload(text, Buffer.byteLength(text), options);
  } catch (error) {
    // Network Watcher creates the container with the ring's first file; until then, we do.
    if (!isNotFound(error)) throw error;
    await container.createIfNotExists();
    await blob.upload(text, Buffer.byteLength(text), options);
  }
}

/**
 * The app's mailbox for the webhook and ops: clients from the activity settings at first use, so
 * an answer that never freezes or disarms never reads them (a bad setting fails that call only).
 */
export function appRecorderMailbox(): RecorderMailbox {
  const bound = () => {
    const settings = readActivitySettings();
    if (!settings.ok) throw settings.error;
    return blobRecorderMailbox(azureClients(settings.value));
  };
  return { post: (ref, request) => bound().post(ref, request), read: (ref) => bound().read(ref) };
}

export function blobRecorderMailbox(clients: AzureClients): RecorderMailbox {
  return {
    async post(ref, request) {
      const container = clients.captureContainer(ref.storageAccountId);
      const name = `${mailboxPrefix(ref)}${request.writtenAt}-${request.kind}-${randomUUID()}.json`;
      await upload(container, name, JSON.stringify(request));
    },
    async read(ref) {
      const container = clients.captureContainer(ref.storageAccountId);
      const requests: MailboxRequest[] = [];
      try {
        for await (const item of container.listBlobsFlat({ prefix: mailboxPrefix(ref) })) {
          const body = await container.getBlobClient(item.name).downloadToBuffer();
          const request = asRequest(body.toString("utf8"));
          if (request) requests.push(request);
        }
      } catch (error) {
        if (isNotFound(error)) return [];
        throw error;
      }
      // Listing is in name order already; sorting keeps that a property of this module, not the store.
      return requests.sort((a, b) => a.writtenAt.localeCompare(b.writtenAt));
    },
  };
}
