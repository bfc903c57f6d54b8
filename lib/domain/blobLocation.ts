/**
 * Where a capture file may be read from. Network Watcher reports `storagePath`; the app then
 * reads that URL with its managed identity's token, mints a SAS for it and redirects people to
 * it. A URL is trusted only when it names our capture container in a storage account the app
 * settings allow — never merely because Network Watcher (or a forged input) reported it — so the
 * identity's token is never sent to another host.
 */
import { parseStorageAccountId } from "./armId";

/** The container Network Watcher writes captures to (and we write their summaries beside). */
export const CAPTURE_CONTAINER = "network-watcher-logs";

/** Blob endpoints of Azure's public and sovereign clouds. */
const AZURE_BLOB_SUFFIXES = [
  "blob.core.windows.net",
  "blob.core.usgovcloudapi.net",
  "blob.core.chinacloudapi.cn",
];

export interface TrustedBlobStores {
  /** Storage account ARM IDs the settings allow (the default account and the allow-list). */
  accountIds: string[];
  /** Local runtime only: the blob endpoint of its connection string (Azurite is path-style). */
  localEndpoint?: string;
}

/** A blob URL the app refuses to touch; permanent: retrying will not make it trusted. */
export class UntrustedBlobUrl extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "UntrustedBlobUrl";
  }
}

function inCaptureContainer(pathname: string): boolean {
  return (
    pathname.startsWith(`/${CAPTURE_CONTAINER}/`) && pathname.length > CAPTURE_CONTAINER.length + 2
  );
}

/** Why `url` is not a capture blob of an allowed account, or undefined when it is. */
export function untrustedBlobReason(url: string, trusted: TrustedBlobStores): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "the storage path is not a URL";
  }
  if (parsed.username || parsed.password) return "the storage path carries credentials";
  if (trusted.localEndpoint) {
    const base = new URL(trusted.localEndpoint);
    const basePath = base.pathname.replace(/\/$/, "");
    if (parsed.origin !== base.origin || !parsed.pathname.startsWith(`${basePath}/`))
      return `the storage path is not on the local blob endpoint ${base.origin}${basePath}`;
    return inCaptureContainer(parsed.pathname.slice(basePath.length))
      ? undefined
      : `the storage path is not in the ${CAPTURE_CONTAINER} container`;
  }
  if (parsed.protocol !== "https:" || parsed.port !== "")
    return "the storage path is not an https URL on the default port";
  const host = parsed.hostname.toLowerCase();
  const accounts = trusted.accountIds
    .map((id) => parseStorageAccountId(id)?.name.toLowerCase())
    .filter((name): name is string => name !== undefined);
  const allowed = accounts.some((name) =>
    AZURE_BLOB_SUFFIXES.some((suffix) => host === `${name}.${suffix}`),
  );
  if (!allowed)
    return `the storage path's host ${host} is not the blob endpoint of an allowed storage account (CAPTURE_STORAGE_ACCOUNT_ID, CAPTURE_ALLOWED_STORAGE_ACCOUNT_IDS)`;
  return inCaptureContainer(parsed.pathname)
    ? undefined
    : `the storage path is not in the ${CAPTURE_CONTAINER} container`;
}
