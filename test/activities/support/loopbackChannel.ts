/**
 * A notification channel on loopback for activity tests: answers every post with one status and
 * records what it was sent, so a test sees the exact request a Teams, Slack or webhook URL gets.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A loopback channel answering `status` and recording what it was sent. */
export async function channel(
  status: number,
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, server };
}

/** Closes the channels a test file opened (its afterAll). */
export function closeAll(servers: Server[]): Promise<unknown[]> {
  return Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
}
