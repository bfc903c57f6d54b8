// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Entry point of the local Functions host process (dist/local/host/main.js), configured by the
 * environment (see hostConfig.hostEnv). Tells a parent process its URL over IPC once it serves;
 * SIGTERM/SIGINT stop it gracefully, SIGKILL is survivable by design (see local/durable).
 */
import { redactSecrets } from "../../lib/logging/redact";
import { readHostConfig } from "./hostConfig";
import { runHost } from "./functionsHost";

export interface HostReadyMessage {
  type: "ready";
  url: string;
  rpcBaseUrl: string;
}

/** The process's one log writer: request lines, engine lines and the app's own logs all pass redaction here. */
function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${redactSecrets(line)}\n`);
}

async function main(): Promise<void> {
  process.on("unhandledRejection", (reason) =>
    log(`unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`),
  );
  const host = await runHost(readHostConfig(process.env), log);
  const ready: HostReadyMessage = { type: "ready", url: host.url, rpcBaseUrl: host.rpcBaseUrl };
  process.send?.(ready);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    host.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`stop failed: ${error instanceof Error ? error.stack : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  log(`host failed to start: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
