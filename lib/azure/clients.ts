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
import { linkProtocol, readOnlyLink } from "./downloadLink";

export interface AzureClients {
  network(subscriptionId: string): NetworkManagementClient;
  compute(subscriptionId: string): ComputeManagementClient;
  /** A client for a blob named by its full URL, as Network Watcher reports `storagePath`. */
  blob(url: string): BlobClient;
  /** A client for a container named by its URL: listing a continuous capture's ring files. */
  container(url: string): ContainerClient;
  /** A read-only link to that blob, valid for `ttlSeconds`. */
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

function createAzureClients(settings: ActivitySettings): AzureClients {
  const credential = createCredential(settings);
  const options = {
    endpoint: settings.AZURE_ARM_ENDPOINT,
    ...(settings.AZURE_ARM_SCOPE ? { credentials: { scopes: [settings.AZURE_ARM_SCOPE] } } : {}),
  };
  const networks = new Map<string, NetworkManagementClient>();
  const computes = new Map<string, ComputeManagementClient>();
  const storageCredential = blobCredential(settings, credential);
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
    blob: (url) => new BlobClient(url, storageCredential),
    container: (url) => new ContainerClient(url, storageCredential),
    downloadLink: (url, ttlSeconds) =>
      readOnlyLink(
        new BlobClient(url, storageCredential),
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
