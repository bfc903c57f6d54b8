// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * A private CA and a server certificate for 127.0.0.1/localhost, kept under `<stateDir>/tls/`.
 * The v39 SDK refuses bearer tokens over plain HTTP, so the emulator speaks HTTPS; clients trust
 * `ca.pem` (NODE_EXTRA_CA_CERTS, or `tlsOptions.ca` in-process) and keep verifying certificates.
 * A separate CA (rather than one self-signed leaf) lets the server certificate be re-issued without
 * clients changing what they trust.
 */
import { X509Certificate } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { generate } from "selfsigned";

export interface TlsMaterial {
  caCertPath: string;
  key: string;
  cert: string;
}

const RENEW_BEFORE_MS = 24 * 3600 * 1000;
const VALIDITY_MS = 365 * 24 * 3600 * 1000;

export async function ensureTlsMaterial(stateDir: string): Promise<TlsMaterial> {
  const dir = path.join(stateDir, "tls");
  const files = {
    caCert: path.join(dir, "ca.pem"),
    caKey: path.join(dir, "ca-key.pem"),
    cert: path.join(dir, "server.pem"),
    key: path.join(dir, "server-key.pem"),
  };
  const existing = await readExisting(files.caCert, files.cert, files.key);
  if (existing) return { caCertPath: files.caCert, ...existing };

  await mkdir(dir, { recursive: true });
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + VALIDITY_MS);
  const ca = await generate([{ name: "commonName", value: "ARM emulator local CA" }], {
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 2, value: "localhost" },
        ],
      },
    ],
  });
  await writeFile(files.caKey, ca.private, { mode: 0o600 });
  await writeFile(files.key, server.private, { mode: 0o600 });
  await writeFile(files.cert, server.cert);
  await writeFile(files.caCert, ca.cert);
  return { caCertPath: files.caCert, key: server.private, cert: server.cert };
}

/** Reuses certificates that are still valid for a day, chain to the CA and name 127.0.0.1. */
async function readExisting(
  caPath: string,
  certPath: string,
  keyPath: string,
): Promise<Omit<TlsMaterial, "caCertPath"> | undefined> {
  try {
    const [caPem, cert, key] = await Promise.all([
      readFile(caPath, "utf8"),
      readFile(certPath, "utf8"),
      readFile(keyPath, "utf8"),
    ]);
    const leaf = new X509Certificate(cert);
    const fresh = new Date(leaf.validTo).getTime() - Date.now() > RENEW_BEFORE_MS;
    const usable =
      fresh &&
      leaf.checkIP("127.0.0.1") !== undefined &&
      leaf.verify(new X509Certificate(caPem).publicKey);
    return usable ? { cert, key } : undefined;
  } catch {
    return undefined;
  }
}
