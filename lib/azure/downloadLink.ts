/**
 * Short-lived, read-only links to a capture for the people paged. In Azure the function app has
 * no account key (and should not): it asks for a user-delegation key with its managed identity
 * and signs with that. Locally, Azurite's shared key signs a service SAS. Either way the link
 * can read one blob and nothing else, and expires.
 */
import {
  BlobSASPermissions,
  BlobServiceClient,
  StorageSharedKeyCredential,
  type BlobClient,
} from "@azure/storage-blob";
import type { TokenCredential } from "@azure/core-auth";

/** Clock skew between us and storage; a link valid "from now" might be refused as not yet valid. */
const SKEW_MS = 5 * 60_000;

export async function readOnlyLink(
  blob: BlobClient,
  credential: TokenCredential | StorageSharedKeyCredential,
  ttlSeconds: number,
  now = new Date(),
): Promise<string> {
  const startsOn = new Date(now.getTime() - SKEW_MS);
  const expiresOn = new Date(now.getTime() + ttlSeconds * 1000);
  const options = {
    permissions: BlobSASPermissions.parse("r"),
    startsOn,
    expiresOn,
    protocol: undefined,
  };
  if (credential instanceof StorageSharedKeyCredential) return blob.generateSasUrl(options);
  const service = new BlobServiceClient(new URL(blob.url).origin, credential);
  const key = await service.getUserDelegationKey(startsOn, expiresOn);
  return blob.generateUserDelegationSasUrl(options, key);
}
