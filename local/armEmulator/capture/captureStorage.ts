// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Where the agent puts a finished `.cap`: every storage account ID maps to the Azurite account of the
 * connection string, container `network-watcher-logs`, path as documented for Network Watcher
 * (Microsoft Learn, "Manage packet captures for virtual machines with the portal"; see
 * docs/reference/network-watcher-and-alerts.md), lower-cased:
 *   subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.compute/virtualmachines/{vm}/{yyyy}/{mm}/{dd}/packetcapture_{HH}_{mm}_{ss}_{fff}.cap
 * `{rg}` is the VM's resource group (the docs leave open whether it is the VM's or the account's).
 * Scale-set targets use `virtualmachinescalesets/{name}` in the same layout — an emulator choice.
 */
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import type { ComputeTarget } from "../armIds";

export const CAPTURE_CONTAINER = "network-watcher-logs";

export function captureBlobName(target: ComputeTarget, createdAt: Date): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, "0");
  const d = createdAt;
  const date = `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}_${pad(d.getUTCMinutes())}_${pad(d.getUTCSeconds())}_${pad(d.getUTCMilliseconds(), 3)}`;
  const resource = `subscriptions/${target.subscriptionId}/resourcegroups/${target.resourceGroup}/providers/microsoft.compute/${target.kind}/${target.name}`;
  return `${resource.toLowerCase()}/${date}/packetcapture_${time}.cap`;
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
