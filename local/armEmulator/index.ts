// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * An ARM-compatible Network Watcher emulator on HTTPS: `networkWatchers` and `packetCaptures` with real
 * LRO headers, the Compute calls an agent check makes, a tcpdump-backed capture agent that uploads the
 * `.cap` to Azurite at Network Watcher's blob layout, and run-time fault injection. See README.md.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { adminRoutes } from "./adminRoutes";
import { listenArmServer } from "./armServer";
import { CaptureService, type SessionSummary } from "./capture/captureService";
import { CaptureBlobStore } from "./capture/captureStorage";
import { COMPUTE_LRO_OPERATIONS, computeRoutes } from "./compute/computeRoutes";
import { ExtensionStore } from "./compute/extensionStore";
import { FaultController } from "./faults";
import { Inventory } from "./inventory";
import { NETWORK_LRO_OPERATIONS, networkRoutes } from "./networkRoutes";
import { authorizationRoutes } from "./authorizationRoutes";
import { operationRoutes } from "./operationRoutes";
import { OperationRegistry } from "./operations";
import { captureOperatorRole, RoleEnforcer, type RoleDefinition } from "./roleEnforcement";
import { blobEndpointOf, StorageAccounts, storageRoutes } from "./storageRoutes";
import { loadEmulatorState, writeEmulatorState, type StateWriter } from "./stateFile";
import { ensureTlsMaterial } from "./tlsMaterial";
import { createTrafficRecorder } from "./trafficRecorder";

export type { FaultSpec, PendingFault } from "./faults";
export type { FaultController } from "./faults";
export type { SessionSummary } from "./capture/captureService";
export type { InventoryFile } from "./inventory";
export type { TrafficFile } from "./trafficRecorder";
export type { RoleDefinition, RoleEnforcer } from "./roleEnforcement";
export type { StorageAccounts } from "./storageRoutes";

export interface ArmEmulatorOptions {
  /** 0 (default) = any free port. */
  port?: number;
  /** TLS material and capture files live here. */
  stateDir: string;
  /** The bearer token every request must carry. */
  token: string;
  /** Azurite connection string; every `storageAccounts/{name}` maps to its account. */
  storageConnectionString: string;
  /** Region of VMs not in the inventory; default `westeurope`. */
  region?: string;
  /** Running sessions allowed per subscription and region; default 10000 (Azure's documented limit). */
  sessionLimit?: number;
  /** JSON overrides: see inventory.ts. */
  inventoryFile?: string;
  /** Items per list page before a `nextLink`; default 50. */
  pageSize?: number;
  /**
   * Writes every ARM exchange as one oav traffic file here (trafficRecorder.ts). Default: the
   * `ARM_EMULATOR_TRAFFIC_DIR` environment variable, so whole test runs can switch it on; unset = off.
   */
  trafficDir?: string;
  /** The role the caller holds; default deploy/capture-operator-role.json. */
  role?: RoleDefinition;
  /** Enforce that role on every ARM call (default true); false lets every call through. */
  enforceRole?: boolean;
  log?: (line: string) => void;
}

export interface ArmEmulator {
  /** `https://127.0.0.1:PORT` — use as the SDK clients' `endpoint`. */
  url: string;
  /** PEM of the CA that signed the server certificate (NODE_EXTRA_CA_CERTS, or `tlsOptions.ca`). */
  caCertPath: string;
  faults: FaultController;
  /** Azure RBAC as the emulator enforces it; tests narrow the role with `setRole`. */
  rbac: RoleEnforcer;
  /** Storage accounts as ARM reports them (doctor's check); tests make one missing or premium. */
  storageAccounts: StorageAccounts;
  /** Sessions still running (NotStarted, Running, or uploading). */
  sessions(): SessionSummary[];
  /** Stops the server and every tcpdump. */
  stop(): Promise<void>;
}

export async function startArmEmulator(opts: ArmEmulatorOptions): Promise<ArmEmulator> {
  const log = opts.log ?? (() => undefined);
  const pageSize = opts.pageSize ?? 50;
  const tls = await ensureTlsMaterial(opts.stateDir);
  await mkdir(path.join(opts.stateDir, "captures"), { recursive: true });

  const inventory = await Inventory.load({
    ...(opts.inventoryFile && { inventoryFile: opts.inventoryFile }),
    ...(opts.region && { region: opts.region }),
  });
  const extensions = new ExtensionStore(inventory);
  const operations = new OperationRegistry(log);
  // Filled from the route table below; faults naming an unknown operation are refused.
  const knownOperations = new Set<string>();
  const faults = new FaultController(
    knownOperations,
    new Set([...NETWORK_LRO_OPERATIONS, ...COMPUTE_LRO_OPERATIONS]),
    extensions,
  );
  // Late-bound: the writer snapshots the capture service it is handed to.
  const state: { writer?: StateWriter } = {};
  const captures = new CaptureService({
    inventory,
    extensions,
    faults,
    blobStore: new CaptureBlobStore(opts.storageConnectionString),
    stateDir: opts.stateDir,
    sessionLimit: opts.sessionLimit ?? 10000,
    log,
    changed: () => state.writer?.save(),
  });
  // A previous emulator on this state dir that did not stop cleanly (its stack was killed).
  const saved = loadEmulatorState(opts.stateDir);
  if (saved) {
    extensions.restore(saved.extensions);
    operations.restore(saved.operations);
    await captures.restore(saved.captures);
    log(`restored ${saved.captures.length} capture(s) and ${saved.operations.length} operation(s)`);
  }
  const writer = writeEmulatorState(
    opts.stateDir,
    () => ({
      version: 1,
      captures: captures.saved(),
      operations: operations.saved(),
      extensions: extensions.saved(),
    }),
    log,
  );
  state.writer = writer;
  writer.save();

  const rbac = new RoleEnforcer(opts.role ?? captureOperatorRole(), opts.enforceRole ?? true);
  const storageAccounts = new StorageAccounts(blobEndpointOf(opts.storageConnectionString));
  const armRoutes = [
    ...networkRoutes({ inventory, captures, operations, faults, pageSize }),
    ...computeRoutes({ inventory, extensions, operations, faults, pageSize }),
    ...operationRoutes(operations),
    ...storageRoutes(storageAccounts),
    ...authorizationRoutes(rbac),
  ];
  for (const r of armRoutes) knownOperations.add(r.operation);

  const trafficDir = opts.trafficDir ?? process.env["ARM_EMULATOR_TRAFFIC_DIR"];
  const recorder = trafficDir ? createTrafficRecorder(trafficDir) : undefined;
  const server = await listenArmServer({
    key: tls.key,
    cert: tls.cert,
    port: opts.port ?? 0,
    token: opts.token,
    armRoutes,
    adminRoutes: adminRoutes(faults, captures),
    faults,
    authorize: (request) => rbac.authorize(request),
    log,
    ...(recorder && { recorder }),
  });
  log(`ARM emulator listening on ${server.url} (region ${inventory.defaultRegion})`);

  return {
    url: server.url,
    caCertPath: tls.caCertPath,
    faults,
    rbac,
    storageAccounts,
    sessions: () => captures.activeSessions(),
    async stop() {
      await server.close();
      // The file keeps running sessions as running: the next start recovers them as after a crash.
      writer.close();
      await captures.shutdown();
      await recorder?.flush();
    },
  };
}
