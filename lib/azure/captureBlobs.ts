/**
 * The capture files under one storage path, and the check that one of them is a capture. Shared
 * by a flight recorder's ring and a scale set's per-instance files: for both Azure documents where
 * the files go (under `storageLocation.storagePath`) but not what they are called, so every
 * capture file whose blob name starts with the storage path (a trailing `.cap` dropped) is taken
 * and no name is parsed. Errors propagate for the activity to classify.
 */
import { detectCaptureFormat, PCAP_HEADER_BYTES } from "../domain/captureFile";
import type { RingBlob } from "../domain/ringFiles";
import { isNotFound } from "./armErrors";
import type { AzureClients } from "./clients";

const CAPTURE_FILE = /\.(p?cap|pcapng)$/i;

/** Container URL and name prefix of the blobs under a storage path. */
function locationOf(
  storagePath: string,
  clients: AzureClients,
): { containerUrl: string; prefix: string } {
  const blob = clients.blob(storagePath);
  const url = new URL(blob.url);
  url.search = "";
  const encodedName = blob.name.split("/").map(encodeURIComponent).join("/");
  const containerUrl = url.toString().slice(0, url.toString().length - encodedName.length - 1);
  return { containerUrl, prefix: blob.name.replace(CAPTURE_FILE, "") };
}

/**
 * Every capture file under `storagePath`, by blob URL, size and last write; none when the
 * container does not exist yet. A storage path outside the allowed capture accounts throws.
 */
export async function listCaptureBlobs(
  storagePath: string,
  clients: AzureClients,
): Promise<RingBlob[]> {
  const { containerUrl, prefix } = locationOf(storagePath, clients);
  const container = clients.container(containerUrl);
  const blobs: RingBlob[] = [];
  try {
    for await (const item of container.listBlobsFlat({ prefix })) {
      if (!CAPTURE_FILE.test(item.name)) continue;
      blobs.push({
        url: container.getBlobClient(item.name).url,
        sizeBytes: item.properties.contentLength ?? 0,
        lastModified: item.properties.lastModified.toISOString(),
      });
    }
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  return blobs;
}

/** A listed file that proved to be a capture. */
export type CheckedFile<F> = F & { sizeBytes: number; format: "pcap" | "pcapng" };

/**
 * Proves one listed file is a capture: still in storage, larger than a pcap header, pcap or pcapng
 * magic. Returns the file with its format, or the reason it is not one (`gone` words the 404).
 */
export async function checkCaptureFile<F extends { url: string }>(
  file: F,
  clients: AzureClients,
  gone = "gone from storage",
): Promise<CheckedFile<F> | string> {
  const blob = clients.blob(file.url);
  const name = new URL(file.url).pathname;
  try {
    const size = (await blob.getProperties()).contentLength ?? 0;
    if (size <= PCAP_HEADER_BYTES) return `${name}: ${size} bytes, no packets`;
    const format = detectCaptureFormat(await blob.downloadToBuffer(0, 4));
    if (!format) return `${name}: not pcap or pcapng`;
    return { ...file, sizeBytes: size, format };
  } catch (error) {
    if (isNotFound(error)) return `${name}: ${gone}`;
    throw error;
  }
}
