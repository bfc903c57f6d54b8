/**
 * The Durable extension's instance API on loopback, for activities that read or signal other
 * orchestrations: durable-functions' own DurableClient (built by df.getClient from the binding
 * payload the extension hands out) talks to it over HTTP, so a test sees exactly what the
 * library makes of the extension's status codes (200, 404, 410, 500).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { durableClientBinding } from "../../../local/durable/clientBinding";

export interface FakeInstance {
  runtimeStatus: "Pending" | "Running" | "Completed" | "Failed" | "Terminated";
  output?: unknown;
}

export interface LoopbackDurable {
  durable: df.DurableClient;
  /** Events raised, as "instanceId event". */
  raised: string[];
  server: Server;
}

const TERMINAL = new Set(["Completed", "Failed", "Terminated"]);

/** `instances` by ID; with `broken`, every request is the extension's 500 (its store unreachable). */
export async function loopbackDurable(
  instances: Record<string, FakeInstance>,
  broken = false,
): Promise<LoopbackDurable> {
  const raised: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      // /durabletask/instances/{id}[/raiseEvent/{event}]
      const [, , , instanceId = "", action, event] = (req.url ?? "").split("?")[0]!.split("/");
      const id = decodeURIComponent(instanceId);
      const instance = instances[id];
      if (broken) return res.writeHead(500).end('{"Message":"storage unreachable"}');
      if (!instance) return res.writeHead(404).end();
      if (action === "raiseEvent") {
        if (TERMINAL.has(instance.runtimeStatus)) return res.writeHead(410).end();
        raised.push(`${id} ${event}`);
        return res.writeHead(202).end();
      }
      const at = "2026-01-01T02:00:00Z";
      const status = {
        name: "captureOrchestrator",
        instanceId: id,
        runtimeStatus: instance.runtimeStatus,
        input: null,
        customStatus: null,
        output: instance.output ?? null,
        createdTime: at,
        lastUpdatedTime: at,
      };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(status));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const input = df.input.durableClient();
  const context = new InvocationContext({ options: { extraInputs: [input] } });
  context.extraInputs.set(
    input,
    durableClientBinding(origin, `${origin}/durabletask/`, {
      taskHub: "TestHub",
      systemKey: "test-key",
      connectionName: "Storage",
    }),
  );
  return { durable: df.getClient(context), raised, server };
}
