/**
 * The named baseline for webhook latency: a trivial node HTTP server in its own process (as the
 * Functions host is) that reads the body and answers 200. Whatever it costs to cross loopback and
 * HTTP with our client is in its round trip; the rest of the app's latency is the app's.
 */
import { spawn } from "node:child_process";
import { PUBLIC_LISTEN_BACKLOG } from "../../local/host/listenBacklog";

// The local host's accept backlog, so a burst meets the same kernel queue at both servers.
const SERVER = `
require("node:http").createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
}).listen({ port: 0, host: "127.0.0.1", backlog: ${PUBLIC_LISTEN_BACKLOG} }, function () { process.stdout.write(this.address().port + "\\n"); });
`;

export interface BaselineServer {
  url: string;
  stop(): Promise<void>;
}

export async function startBaselineServer(timeoutMs = 10_000): Promise<BaselineServer> {
  const child = spawn(process.execPath, ["-e", SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`baseline server did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stdout.once("data", (chunk: Buffer) => {
      clearTimeout(timer);
      resolve(Number(chunk.toString().trim()));
    });
    child.once("exit", (code) => reject(new Error(`baseline server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
