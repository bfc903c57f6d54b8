// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/** Real packets on loopback, and reading them back out of a capture file. */
import { execFile } from "node:child_process";
import { createServer, connect, type AddressInfo, type Server } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { BlobServiceClient } from "@azure/storage-blob";

const run = promisify(execFile);

export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

export async function startEchoServer(host = "127.0.0.1"): Promise<EchoServer> {
  const server: Server = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Sends each message and waits for its echo, so every packet has been on the wire when this resolves. */
export async function exchange(
  port: number,
  messages: readonly string[],
  host = "127.0.0.1",
  localAddress?: string,
): Promise<void> {
  const socket = connect({ port, host, ...(localAddress && { localAddress }) });
  socket.setTimeout(5000, () => socket.destroy(new Error("echo timed out")));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  for (const message of messages) {
    const echoed = new Promise<void>((resolve, reject) => {
      let got = "";
      const onData = (d: Buffer): void => {
        got += d.toString("utf8");
        if (got.length >= message.length) {
          socket.off("data", onData);
          resolve();
        }
      };
      socket.on("data", onData);
      socket.once("error", reject);
    });
    socket.write(message);
    await echoed;
  }
  await new Promise<void>((resolve) => socket.end(resolve));
  socket.destroy();
}

/** Polls `probe` until it returns a value, at most `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; Date.now() < deadline && attempt < 10_000; attempt++) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(200);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Splits a blob URL reported as `storagePath` into container and blob name (Azurite path style). */
export function blobLocation(storagePath: string): { container: string; blobName: string } {
  const [, , container = "", ...rest] = new URL(storagePath).pathname.split("/");
  return { container, blobName: decodeURIComponent(rest.join("/")) };
}

export async function downloadBlob(
  connectionString: string,
  storagePath: string,
  file: string,
): Promise<void> {
  const { container, blobName } = blobLocation(storagePath);
  await BlobServiceClient.fromConnectionString(connectionString)
    .getContainerClient(container)
    .getBlobClient(blobName)
    .downloadToFile(file);
}

export async function blobExists(connectionString: string, storagePath: string): Promise<boolean> {
  const { container, blobName } = blobLocation(storagePath);
  return BlobServiceClient.fromConnectionString(connectionString)
    .getContainerClient(container)
    .getBlobClient(blobName)
    .exists();
}

/** `tshark -r file -Y filter -T fields -e …`, one array per packet. */
export async function tsharkFields(
  file: string,
  displayFilter: string,
  fields: readonly string[],
): Promise<string[][]> {
  const args = [
    "-r",
    file,
    "-Y",
    displayFilter,
    "-T",
    "fields",
    ...fields.flatMap((f) => ["-e", f]),
  ];
  const { stdout } = await run("tshark", args, { timeout: 30_000 });
  return stdout
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => l.split("\t"));
}

/** TCP payloads of the matching packets, decoded as UTF-8. */
export async function tcpPayloads(file: string, displayFilter: string): Promise<string[]> {
  const rows = await tsharkFields(file, `${displayFilter} && tcp.len > 0`, ["tcp.payload"]);
  return rows.map(([hex = ""]) => Buffer.from(hex.replace(/:/g, ""), "hex").toString("utf8"));
}
