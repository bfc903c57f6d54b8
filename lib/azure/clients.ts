/**
 * The one place Azure clients are built, from app settings. Production uses
 * DefaultAzureCredential (the function app's managed identity); the local runtime differs only
 * in settings — an ARM endpoint, a static token for its emulator, Azurite's connection string.
 * No secret is in code, and none is logged.
 */
import { ComputeManagementClient } from "@azure/arm-compute";
import { NetworkManagementClient } from "@azure/arm-network";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential } from "@azure/identity";
import {
  BlobClient,
  BlobServiceClient,
  ContainerClient,
  type StorageSharedKeyCredential,
} from "@azure/storage-blob";
import { isLocalRuntime, type ActivitySettings } from "../config/appSettings";
import { parseStorageAccountId } from "../domain/armId";
import {
  CAPTURE_CONTAINER,
  untrustedBlobReason,
  UntrustedBlobUrl,
  type TrustedBlobStores,
} from "../domain/blobLocation";
import { linkProtocol, readOnlyLink } from "./downloadLink";

export interface AzureClients {
  network(subscriptionId: string): NetworkManagementClient;
  compute(subscriptionId: string): ComputeManagementClient;
  /**
   * A client for a blob named by its full URL, as Network Watcher reports `storagePath`. Throws
   * UntrustedBlobUrl unless it is a capture blob of an allowed account: the identity's token
   * never goes to a host merely reported.
   */
  blob(url: string): BlobClient;
  /** A client for a capture container named by its URL (listing a ring's files; same check). */
  container(url: string): ContainerClient;
  /**
   * The capture container of a storage account named by its ARM ID (a recorder's mailbox lives
   * there): on the cloud the ARM endpoint belongs to, or the local runtime's Azurite (same check).
   */
  captureContainer(storageAccountId: string): ContainerClient;
  /** A read-only link to that blob, valid for `ttlSeconds` (same check). */
  downloadLink(url: string, ttlSeconds: number): Promise<string>;
}

/** A fixed bearer token, for the local ARM emulator only; refused unless settings ask for it. */
function staticTokenCredential(token: string): TokenCredential {
  return {
    getToken: async (): Promise<AccessToken> => ({
      token,
      expiresOnTimestamp: Date.now() + 3_600_000,
    }),
  };
}

function createCredential(settings: ActivitySettings): TokenCredential {
  if (settings.AZURE_CREDENTIAL === "local" && settings.AZURE_LOCAL_TOKEN)
    return staticTokenCredential(settings.AZURE_LOCAL_TOKEN);
  return new DefaultAzureCredential();
}

function blobCredential(
  settings: ActivitySettings,
  credential: TokenCredential,
): TokenCredential | StorageSharedKeyCredential {
  if (!settings.CAPTURE_STORAGE_CONNECTION_STRING) return credential;
  // The SDK parses its own connection strings (including Azurite's); we only borrow the key credential.
  return BlobServiceClient.fromConnectionString(settings.CAPTURE_STORAGE_CONNECTION_STRING)
    .credential as StorageSharedKeyCredential;
}

/** The blob endpoint suffix of the cloud whose ARM endpoint the settings name. */
function blobSuffix(armEndpoint: string): string {
  const host = new URL(armEndpoint).hostname;
  if (host.endsWith("usgovcloudapi.net")) return "blob.core.usgovcloudapi.net";
  if (host.endsWith("chinacloudapi.cn")) return "blob.core.chinacloudapi.cn";
  return "blob.core.windows.net";
}

function trustedStores(settings: ActivitySettings): TrustedBlobStores {
  const accountIds = [
    ...(settings.CAPTURE_STORAGE_ACCOUNT_ID ? [settings.CAPTURE_STORAGE_ACCOUNT_ID] : []),
    ...settings.CAPTURE_ALLOWED_STORAGE_ACCOUNT_IDS,
  ];
  const local = settings.CAPTURE_STORAGE_CONNECTION_STRING;
  return local
    ? { accountIds, localEndpoint: BlobServiceClient.fromConnectionString(local).url }
    : { accountIds };
}

function createAzureClients(settings: ActivitySettings): AzureClients {
  const credential = createCredential(settings);
  const options = {
    endpoint: settings.AZURE_ARM_ENDPOINT,
    ...(settings.AZURE_ARM_SCOPE ? { credentials: { scopes: [settings.AZURE_ARM_SCOPE] } } : {}),
  };
  const networks = new Map<string, NetworkManagementClient>();
  const computes = new Map<string, ComputeManagementClient>();
  const storageCredential = blobCredential(settings, credential);
  const stores = trustedStores(settings);
  const trustedBlob = (url: string): BlobClient => {
    const reason = untrustedBlobReason(url, stores);
    if (reason) throw new UntrustedBlobUrl(reason);
    return new BlobClient(url, storageCredential);
  };
  // A container is trusted when a blob in it would be: the allowed account's capture container.
  const trustedContainer = (url: string): ContainerClient => {
    const reason = untrustedBlobReason(`${url.replace(/\/+$/, "")}/ring`, stores);
    if (reason) throw new UntrustedBlobUrl(reason);
    return new ContainerClient(url, storageCredential);
  };
  return {
    network(subscriptionId) {
      let client = networks.get(subscriptionId);
      if (!client)
        networks.set(
          subscriptionId,
          (client = new NetworkManagementClient(credential, subscriptionId, options)),
        );
      return client;
    },
    compute(subscriptionId) {
      let client = computes.get(subscriptionId);
      if (!client)
        computes.set(
          subscriptionId,
          (client = new ComputeManagementClient(credential, subscriptionId, options)),
        );
      return client;
    },
    blob: trustedBlob,
    container: trustedContainer,
    captureContainer(storageAccountId) {
      const account = parseStorageAccountId(storageAccountId);
      if (!account) throw new UntrustedBlobUrl(`${storageAccountId} is not a storage account ID`);
      const endpoint = stores.localEndpoint
        ? stores.localEndpoint.replace(/\/+$/, "")
        : `https://${account.name}.${blobSuffix(settings.AZURE_ARM_ENDPOINT)}`;
      return trustedContainer(`${endpoint}/${CAPTURE_CONTAINER}`);
    },
    downloadLink: async (url, ttlSeconds) =>
      readOnlyLink(
        trustedBlob(url),
        storageCredential,
        ttlSeconds,
        linkProtocol(url, isLocalRuntime(process.env)),
      ),
  };
}

let cached: { key: string; clients: AzureClients } | undefined;

/** Clients are reused across invocations (connection pools, token cache) until the settings change. */
export function azureClients(settings: ActivitySettings): AzureClients {
  const key = JSON.stringify(settings);
  if (!cached || cached.key !== key) cached = { key, clients: createAzureClients(settings) };
  return cached.clients;
}
