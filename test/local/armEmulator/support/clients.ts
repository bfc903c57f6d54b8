// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * The real SDK clients pointed at the emulator. Jest runs in-process, where NODE_EXTRA_CA_CERTS can no
 * longer be set, so the emulator's CA is given through the pipeline's own `tlsOptions.ca`:
 * certificates are still verified, against that CA.
 */
import { readFileSync } from "node:fs";
import { request } from "node:https";
import type { TokenCredential } from "@azure/core-auth";
import { ComputeManagementClient } from "@azure/arm-compute";
import { NetworkManagementClient } from "@azure/arm-network";
import type { ArmEmulator } from "../../../../local/armEmulator";
import type { AzureClients } from "../../../../lib/azure/clients";
import type { CaptureTarget } from "../../../../lib/domain/types";

export const SUBSCRIPTION = "00000000-0000-0000-0000-0000000000aa";
export const TOKEN = "test-token-not-a-secret";

/** A VM or scale set in the emulator's test subscription, as the app's adapters take it. */
export function emulatedTarget(kind: CaptureTarget["kind"], name: string): CaptureTarget {
  const type = kind === "virtualMachine" ? "virtualMachines" : "virtualMachineScaleSets";
  return {
    kind,
    name,
    subscriptionId: SUBSCRIPTION,
    resourceGroup: "rg-app",
    resourceId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-app/providers/Microsoft.Compute/${type}/${name}`,
  };
}

export function staticToken(token: string): TokenCredential {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600_000 }) };
}

export function sdkClients(
  emulator: ArmEmulator,
  token = TOKEN,
): { network: NetworkManagementClient; compute: ComputeManagementClient } {
  const options = {
    endpoint: emulator.url,
    tlsOptions: { ca: readFileSync(emulator.caCertPath, "utf8") },
    // Keep SDK retries quick but real: the throttling strategy still honours Retry-After.
    retryOptions: { retryDelayInMs: 50, maxRetryDelayInMs: 200 },
  };
  return {
    network: new NetworkManagementClient(staticToken(token), SUBSCRIPTION, options),
    compute: new ComputeManagementClient(staticToken(token), SUBSCRIPTION, options),
  };
}

/**
 * AzureClients over SDK clients pointed at the emulator, for the lib/azure adapters: ARM only, blob
 * access (Azurite's, not ARM's) throws. Read lazily, so a fixture filled in beforeAll can be passed.
 */
export function armOnlyClients(sdk: {
  network: NetworkManagementClient;
  compute: ComputeManagementClient;
}): AzureClients {
  const unused = (): never => {
    throw new Error("not used: blobs are Azurite's, not ARM's");
  };
  return {
    network: () => sdk.network,
    compute: () => sdk.compute,
    blob: unused,
    container: unused,
    captureContainer: unused,
    downloadLink: unused,
  };
}

/**
 * A raw HTTPS call to the emulator (admin API, malformed requests the SDK would never send), on its own
 * connection: a pooled keep-alive socket could lead to an earlier test file's emulator on a reused port.
 */
export function rawRequest(
  emulator: ArmEmulator,
  method: string,
  pathAndQuery: string,
  opts: { token?: string | null; body?: unknown } = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}> {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = payload ? { "content-type": "application/json" } : {};
  if (opts.token !== null) headers["authorization"] = `Bearer ${opts.token ?? TOKEN}`;
  return new Promise((resolve, reject) => {
    const req = request(
      `${emulator.url}${pathAndQuery}`,
      { method, headers, ca: readFileSync(emulator.caCertPath), timeout: 10_000, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text ? JSON.parse(text) : undefined,
          });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end(payload);
  });
}
