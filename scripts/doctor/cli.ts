/**
 * `npm run doctor -- --subscription <id> --resource-group <rg> --app <name> --principal-id <oid>
 *  [--vm <VM ARM ID>] [--regions westeurope,eastus] [--settings <file>]`
 *
 * Signs in as the app's clients do (lib/azure/clients.ts): DefaultAzureCredential (az login,
 * environment, managed identity), so as the operator, against the settings' ARM endpoint.
 * Settings come from `--settings` (the JSON of `az functionapp config appsettings list`, or a
 * local.settings.json) or else this process's environment. Exits 1 when any check fails.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { azureClients } from "../../lib/azure/clients";
import { readActivitySettings } from "../../lib/config/appSettings";
import {
  pipelineGet,
  renderResults,
  REQUEST_TIMEOUT_MS,
  runDoctor,
  type DoctorInput,
} from "./checks";

/** The settings lib/azure/clients.ts builds ARM clients from. */
const ARM_SETTINGS = [
  "AZURE_ARM_ENDPOINT",
  "AZURE_ARM_SCOPE",
  "AZURE_CREDENTIAL",
  "AZURE_LOCAL_TOKEN",
];

function readSettings(file: string | undefined): Record<string, string | undefined> {
  if (!file) return process.env;
  const parsed = JSON.parse(readFileSync(file, "utf8")) as unknown;
  if (Array.isArray(parsed))
    return Object.fromEntries(
      (parsed as Array<{ name: string; value: string }>).map((s) => [s.name, s.value]),
    );
  return (parsed as { Values?: Record<string, string> }).Values ?? {};
}

function findRoleFile(): string {
  for (let dir = __dirname, i = 0; i < 6; dir = path.dirname(dir), i++) {
    const file = path.join(dir, "deploy", "capture-operator-role.json");
    try {
      readFileSync(file);
      return file;
    } catch {
      continue;
    }
  }
  throw new Error("deploy/capture-operator-role.json not found");
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      subscription: { type: "string" },
      "resource-group": { type: "string" },
      app: { type: "string" },
      "principal-id": { type: "string" },
      vm: { type: "string" },
      regions: { type: "string" },
      settings: { type: "string" },
    },
  });
  if (!values.subscription || !values["resource-group"] || !values.app) {
    console.error(
      "usage: npm run doctor -- --subscription <id> --resource-group <rg> --app <name> --principal-id <oid> [--vm <id>] [--regions a,b] [--settings <file>]",
    );
    return 2;
  }
  const settings = readSettings(values.settings);
  // Only the ARM settings build the clients: a bad capture setting is a finding of the settings
  // check, not a reason to skip the ARM checks.
  const arm = readActivitySettings(
    Object.fromEntries(
      ARM_SETTINGS.flatMap((name) => (settings[name] ? [[name, settings[name]]] : [])),
    ),
  );
  if (!arm.ok) {
    console.error(`doctor: ${arm.message}`);
    return 2;
  }
  const clients = azureClients(arm.value);
  const probe = async (url: string) =>
    fetch(url, { method: "HEAD", signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).then(
      () => true,
      () => false,
    );
  const input: DoctorInput = {
    settings,
    subscriptionId: values.subscription,
    resourceGroup: values["resource-group"],
    appName: values.app,
    ...(values.vm && { vmId: values.vm }),
    ...(values["principal-id"] && { principalId: values["principal-id"] }),
    regions: (values.regions ?? "").split(",").filter(Boolean),
    role: JSON.parse(readFileSync(findRoleFile(), "utf8")) as DoctorInput["role"],
  };
  const results = await runDoctor(
    input,
    {
      clients,
      get: pipelineGet(clients.network(values.subscription), arm.value.AZURE_ARM_ENDPOINT),
    },
    probe,
  );
  console.log(renderResults(results));
  return results.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`doctor: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
