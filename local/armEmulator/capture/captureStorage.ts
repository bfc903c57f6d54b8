// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Where the agent puts a finished `.cap`: every storage account ID maps to the Azurite account of the
 * connection string, container `network-watcher-logs`, path as documented for Network Watcher
 * (Microsoft Learn, "Manage packet captures for virtual machines with the portal"; see
 * docs/reference/network-watcher-and-alerts.md), lower-cased:
 *   subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.compute/virtualmachines/{vm}/{yyyy}/{mm}/{dd}/packetcapture_{HH}_{mm}_{ss}_{fff}.cap
 * `{rg}` is the VM's resource group (the docs leave open whether it is the VM's or the account's).
 *
 * Scale sets, as "Manage packet captures in virtual machine scale sets - PowerShell" documents them:
 * several instances → storagePath is a folder without extension,
 *   …/microsoft.compute/virtualmachinescalesets/{set}/{yyyy}/{mm}/{dd}/packetcapture_{time}
 * one instance → storagePath is that instance's file,
 *   …/virtualmachinescalesets/{set}/virtualmachines/{instance}/{yyyy}/{mm}/{dd}/packetcapture_{time}.cap
 * EMULATION: the names of the files inside the folder are not documented; the emulator writes
 * `{folder}/virtualmachines/{instance}/packetcapture_{time}.cap`, mirroring the one-instance layout.
 */
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import type { ComputeTarget } from "../armIds";

export const CAPTURE_CONTAINER = "network-watcher-logs";

function pathParts(
  target: ComputeTarget,
  createdAt: Date,
): { resource: string; date: string; file: string } {
  const pad = (n: number, width = 2): string => String(n).padStart(width, "0");
  const d = createdAt;
  const date = `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}_${pad(d.getUTCMinutes())}_${pad(d.getUTCSeconds())}_${pad(d.getUTCMilliseconds(), 3)}`;
  const resource = `subscriptions/${target.subscriptionId}/resourcegroups/${target.resourceGroup}/providers/microsoft.compute/${target.kind}/${target.name}`;
  return { resource: resource.toLowerCase(), date, file: `packetcapture_${time}` };
}

export function captureBlobName(target: ComputeTarget, createdAt: Date): string {
  const { resource, date, file } = pathParts(target, createdAt);
  return `${resource}/${date}/${file}.cap`;
}

/** A scale-set capture's storage path (blob name) and each instance's file under it. */
export function scaleSetBlobNames(
  target: ComputeTarget,
  createdAt: Date,
  instanceIds: readonly string[],
): { storagePath: string; files: Map<string, string> } {
  const { resource, date, file } = pathParts(target, createdAt);
  if (instanceIds.length === 1) {
    const only = `${resource}/virtualmachines/${instanceIds[0]}/${date}/${file}.cap`;
    return { storagePath: only, files: new Map([[instanceIds[0]!, only]]) };
  }
  const folder = `${resource}/${date}/${file}`;
  return {
    storagePath: folder,
    files: new Map(instanceIds.map((id) => [id, `${folder}/virtualmachines/${id}/${file}.cap`])),
  };
}

export class CaptureBlobStore {
  private readonly container: ContainerClient;
  private containerReady: Promise<unknown> | undefined;

  constructor(connectionString: string) {
    this.container =
      BlobServiceClient.fromConnectionString(connectionString).getContainerClient(
        CAPTURE_CONTAINER,
      );
  }

  /** The blob URL reported as `storageLocation.storagePath`. */
  urlFor(blobName: string): string {
    return this.container.getBlockBlobClient(blobName).url;
  }

  async upload(blobName: string, file: string): Promise<void> {
    this.containerReady ??= this.container.createIfNotExists().catch((err: unknown) => {
      this.containerReady = undefined;
      throw err;
    });
    await this.containerReady;
    await this.container
      .getBlockBlobClient(blobName)
      .uploadFile(file, { blobHTTPHeaders: { blobContentType: "application/vnd.tcpdump.pcap" } });
  }
}
