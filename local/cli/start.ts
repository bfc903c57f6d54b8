// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * `npm start`: the function app on the local runtime, in the foreground. Ctrl-C stops every
 * piece; running captures and orchestrations resume on the next start (state is in .local/).
 * Like `func start`, it applies `local.settings.json` `Values` (when present) over the stack's
 * defaults; `LOCAL_INVENTORY` names an ARM emulator inventory file (VMs → interfaces/namespaces).
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { redactSecrets } from "../../lib/logging/redact";
import { PROJECT_ROOT, startStack, writeEndpoints, type Stack, type StackOptions } from "../stack";
import { describeLocalSettings, readLocalSettings } from "./localSettings";

const stateDir = process.env.LOCAL_STATE_DIR ?? path.join(PROJECT_ROOT, ".local");
const settingsFile = path.join(PROJECT_ROOT, "local.settings.json");

/** `LOCAL_PORTS` (JSON `{functions, blob, queue, table, arm, sink}`): other ports than the defaults, e.g. for a second stack. */
function ports(): StackOptions["ports"] {
  const json = process.env.LOCAL_PORTS;
  if (!json) return undefined;
  const parsed = JSON.parse(json) as Record<string, unknown>;
  const names = ["functions", "blob", "queue", "table", "arm", "sink"];
  for (const [name, port] of Object.entries(parsed))
    if (!names.includes(name) || typeof port !== "number" || !Number.isInteger(port) || port < 0)
      throw new Error(
        `LOCAL_PORTS: '${name}' must be one of ${names.join(", ")} with a port number`,
      );
  return parsed;
}

function inventoryFile(): string | undefined {
  const file = process.env.LOCAL_INVENTORY;
  if (!file) return undefined;
  const resolved = path.resolve(file);
  if (!existsSync(resolved)) throw new Error(`LOCAL_INVENTORY: no file at ${resolved}`);
  return resolved;
}

async function main(): Promise<void> {
  const started = Date.now();
  const localSettings = readLocalSettings(settingsFile);
  const inventory = inventoryFile();
  // Secrets never reach the console: every piece's lines pass the one redaction helper.
  const stack: Stack = await startStack({
    stateDir,
    ...(localSettings && { appSettings: localSettings.values }),
    ...(inventory && { inventoryFile: inventory }),
    ports: ports(),
    log: (source, line) => process.stdout.write(`${source.padEnd(5)} │ ${redactSecrets(line)}\n`),
  });
  const file = writeEndpoints(stateDir, stack.endpoints);
  const e = stack.endpoints;
  process.stdout.write(
    [
      "",
      `ready in ${((Date.now() - started) / 1000).toFixed(1)} s — endpoints (with keys) in ${path.relative(process.cwd(), file)}`,
      `  alert webhook   POST ${e.functionsUrl}/api/alerts?code=<functionKey>`,
      `  durable API     ${e.durableBaseUrl}`,
      `  ARM emulator    ${e.armEndpoint}`,
      `  blob storage    ${e.blobEndpoint}`,
      `  notifications   ${e.sinkUrl}/notifications`,
      `  ops page        ${e.functionsUrl}/api/ops (signs you in as dev@localhost)`,
      ...describeLocalSettings(localSettings, path.relative(process.cwd(), settingsFile)),
      `  inventory       ${inventory ?? "default (any VM captured on loopback; LOCAL_INVENTORY=<file> to map VMs)"}`,
      "  try it: npm run demo    (Ctrl-C stops everything)",
      "",
    ].join("\n"),
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping…\n`);
    await stack.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `npm start failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
