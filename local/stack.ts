// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * The whole app on loopback: Azurite, the Network Watcher ARM emulator, the notification sink
 * and the local Functions host running the very same function app. Production code sees only
 * app settings — endpoints and a local credential — exactly as it would see Azure's.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { startArmEmulator, type ArmEmulator } from "./armEmulator";
import { startAzurite, type RunningAzurite } from "./azurite/startAzurite";
import { startHost, type StartedHost } from "./host/startHost";
import { startNotificationSink, type NotificationSink } from "./notificationSink";

/** The function app's root, whether this runs compiled (dist/local) or from source (tests). */
function findProjectRoot(start: string): string {
  for (let dir = start, depth = 0; depth < 6; dir = path.dirname(dir), depth++) {
    if (existsSync(path.join(dir, "host.json")) && existsSync(path.join(dir, "package.json")))
      return dir;
  }
  throw new Error(`no function app (host.json + package.json) above ${start}`);
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
/** A subscription that looks real to the app; the emulator accepts any. */
export const LOCAL_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
export const LOCAL_STORAGE_ACCOUNT_ID = `/subscriptions/${LOCAL_SUBSCRIPTION}/resourceGroups/capture-rg/providers/Microsoft.Storage/storageAccounts/devstoreaccount1`;

/** What `npm start` publishes in `.local/endpoints.json` (docs/design.md), for scripts, tests and people. */
export interface Endpoints {
  webhookUrl: string;
  secureWebhookUrl: string;
  functionKey: string;
  masterKey: string;
  functionsUrl: string;
  durableBaseUrl: string;
  blobEndpoint: string;
  storageConnectionString: string;
  armEndpoint: string;
  sinkUrl: string;
}

export interface StackOptions {
  /** Everything persistent lives here: Azurite's data, keys, TLS material, notifications. */
  stateDir: string;
  /** 0 picks free ports (tests); defaults are docs/design.md's. */
  ports?: {
    functions?: number;
    blob?: number;
    queue?: number;
    table?: number;
    arm?: number;
    sink?: number;
  };
  clock?: "real" | "skip";
  /** Extra or overriding app settings for the function app. */
  appSettings?: Record<string, string>;
  /** Emulator inventory overrides (VM → interface or namespace, region, agent missing). */
  inventoryFile?: string;
  sessionLimit?: number;
  log?: (source: string, line: string) => void;
  /**
   * Keep Azurite's access log (stateDir/azurite.log, secrets redacted); default true. It is for a
   * person debugging the stack; benches turn it off, because Azure's storage front end puts no
   * logging on the app's machine and here every request costs Azurite a line through a pipe and
   * this process a redaction and a write.
   */
  storageAccessLog?: boolean;
}

export interface Stack {
  endpoints: Endpoints;
  azurite: RunningAzurite;
  arm: ArmEmulator;
  sink: NotificationSink;
  host: StartedHost;
  /** The local-only keys and tokens (tests scan logs for them, or act as another ARM client). */
  secrets: LocalSecrets;
  /** SIGKILL the Functions host (a crash) and start a fresh one on the same port, keys and storage. */
  crashAndRestartHost(): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalSecrets {
  masterKey: string;
  functionKey: string;
  systemKey: string;
  armToken: string;
  sinkSecret: string;
}

/** Local-only secrets, kept in the state dir so URLs handed out stay valid across restarts. */
function localSecrets(stateDir: string): LocalSecrets {
  const file = path.join(stateDir, "secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as LocalSecrets;
  const key = () => randomBytes(24).toString("base64url");
  const secrets = {
    masterKey: key(),
    functionKey: key(),
    systemKey: key(),
    armToken: key(),
    sinkSecret: key(),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const stateDir = path.resolve(options.stateDir);
  mkdirSync(stateDir, { recursive: true });
  const log =
    options.log ??
    ((source: string, line: string) => process.stdout.write(`[${source}] ${line}\n`));
  const ports = options.ports ?? {};
  const secrets = localSecrets(stateDir);
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const azurite = await startAzurite({
      dir: path.join(stateDir, "azurite"),
      blobPort: ports.blob,
      queuePort: ports.queue,
      tablePort: ports.table,
      log: options.storageAccessLog === false ? undefined : path.join(stateDir, "azurite.log"),
    });
    started.push(azurite);
    log("azurite", `blob ${azurite.blobEndpoint}, table ${azurite.tableEndpoint}`);
    const arm = await startArmEmulator({
      port: ports.arm ?? 8443,
      stateDir: path.join(stateDir, "arm"),
      token: secrets.armToken,
      storageConnectionString: azurite.connectionString,
      sessionLimit: options.sessionLimit,
      inventoryFile: options.inventoryFile,
      log: (line) => log("arm", line),
    });
    started.push(arm);
    const sink = await startNotificationSink({
      port: ports.sink ?? 7075,
      secret: secrets.sinkSecret,
      dir: path.join(stateDir, "notifications"),
      log: (line) => log("sink", line),
    });
    started.push(sink);

    const appSettings: Record<string, string> = {
      CAPTURE_STORAGE_ACCOUNT_ID: LOCAL_STORAGE_ACCOUNT_ID,
      AZURE_ARM_ENDPOINT: arm.url,
      AZURE_CREDENTIAL: "local",
      AZURE_LOCAL_TOKEN: secrets.armToken,
      CAPTURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      NOTIFY_WEBHOOK_URL: sink.url,
      NOTIFY_WEBHOOK_SECRET: secrets.sinkSecret,
      NOTIFY_TEAMS_URL: `${sink.url}/teams`,
      NOTIFY_SLACK_URL: `${sink.url}/slack`,
      // Trust the emulator's CA the way a real deployment trusts public CAs: verification stays on.
      NODE_EXTRA_CA_CERTS: arm.caCertPath,
      // host.json's hubName is %CAPTURE_TASK_HUB%: one task hub per app (and slot) on a storage account.
      CAPTURE_TASK_HUB: "AlertCapture",
      ...options.appSettings,
    };
    const hostOptions = {
      appDir: PROJECT_ROOT,
      storageConnectionString: azurite.connectionString,
      port: ports.functions ?? 7071,
      clock: options.clock ?? "real",
      keys: { master: secrets.masterKey, function: secrets.functionKey, system: secrets.systemKey },
      env: appSettings,
      // The ops page wants an App Service Authentication sign-in; locally a dev user with the ops role.
      devSignIn: { name: "dev@localhost", roles: [appSettings.OPS_APP_ROLE ?? "CaptureOps"] },
      log: (line: string) => log("host", line),
      // Always the compiled host: it loads the compiled app, as the Node worker would.
      entry: path.join(PROJECT_ROOT, "dist", "local", "host", "main.js"),
    } as const;
    let host = await startHost(hostOptions);
    const hostRef = { stop: () => host.stop() };
    started.push(hostRef);

    const endpoints: Endpoints = {
      webhookUrl: `${host.url}/api/alerts?code=${encodeURIComponent(host.functionKey)}`,
      secureWebhookUrl: `${host.url}/api/alerts/secure`,
      functionKey: host.functionKey,
      masterKey: host.masterKey,
      functionsUrl: host.url,
      durableBaseUrl: `${host.url}/runtime/webhooks/durabletask`,
      blobEndpoint: azurite.blobEndpoint,
      storageConnectionString: azurite.connectionString,
      armEndpoint: arm.url,
      sinkUrl: sink.url,
    };
    const stack: Stack = {
      endpoints,
      azurite,
      arm,
      sink,
      secrets,
      get host() {
        return host;
      },
      async crashAndRestartHost() {
        await host.kill();
        host = await startHost({ ...hostOptions, port: Number(new URL(host.url).port) });
      },
      async stop() {
        for (const piece of started.reverse()) await piece.stop().catch(() => undefined);
      },
    };
    return stack;
  } catch (error) {
    for (const piece of started.reverse()) await piece.stop().catch(() => undefined);
    throw error;
  }
}

export function writeEndpoints(stateDir: string, endpoints: Endpoints): string {
  const file = path.join(path.resolve(stateDir), "endpoints.json");
  writeFileSync(file, `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o600 });
  return file;
}

export function readEndpoints(stateDir = path.join(PROJECT_ROOT, ".local")): Endpoints {
  return JSON.parse(readFileSync(path.join(stateDir, "endpoints.json"), "utf8")) as Endpoints;
}
