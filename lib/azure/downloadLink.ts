/**
 * Short-lived, read-only links to a capture for the people paged. In Azure the function app has
 * no account key (and should not): it asks for a user-delegation key with its managed identity
 * and signs with that. Locally, Azurite's shared key signs a service SAS. Either way the link
 * can read one blob and nothing else, expires, and names the protocols it may travel over
 * (`spr`): https only in Azure, so a link can never be replayed in clear text; the local runtime's
 * Azurite speaks plain http, so there (and only there) http is allowed too.
 */
import {
  BlobSASPermissions,
  BlobServiceClient,
  SASProtocol,
  StorageSharedKeyCredential,
  type BlobClient,
} from "@azure/storage-blob";
import type { TokenCredential } from "@azure/core-auth";

/** Clock skew between us and storage; a link valid "from now" might be refused as not yet valid. */
const SKEW_MS = 5 * 60_000;

/** `https` everywhere but the local runtime's plain-http Azurite. */
export function linkProtocol(blobUrl: string, localRuntime: boolean): SASProtocol {
  return localRuntime && new URL(blobUrl).protocol === "http:"
    ? SASProtocol.HttpsAndHttp
    : SASProtocol.Https;
}

export async function readOnlyLink(
  blob: BlobClient,
  credential: TokenCredential | StorageSharedKeyCredential,
  ttlSeconds: number,
  protocol: SASProtocol,
  now = new Date(),
): Promise<string> {
  const startsOn = new Date(now.getTime() - SKEW_MS);
  const expiresOn = new Date(now.getTime() + ttlSeconds * 1000);
  const options = {
    permissions: BlobSASPermissions.parse("r"),
    startsOn,
    expiresOn,
    protocol,
  };
  if (credential instanceof StorageSharedKeyCredential) return blob.generateSasUrl(options);
  const service = new BlobServiceClient(new URL(blob.url).origin, credential);
  const key = await service.getUserDelegationKey(startsOn, expiresOn);
  return blob.generateUserDelegationSasUrl(options, key);
}
