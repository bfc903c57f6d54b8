/**
 * `npm run doctor -- --subscription <id> --resource-group <rg> --app <name> --principal-id <oid>
 *  [--vm <VM ARM ID>] [--regions westeurope,eastus] [--settings <file>]`
 *
 * Signs in with DefaultAzureCredential (az login, environment, managed identity) as the operator.
 * Settings come from `--settings` (the JSON of `az functionapp config appsettings list`, or a
 * local.settings.json) or else this process's environment. Exits 1 when any check fails.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { DefaultAzureCredential } from "@azure/identity";
import { renderResults, runDoctor, type ArmGet, type DoctorInput } from "./checks";

const REQUEST_TIMEOUT_MS = 30_000;

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
  const endpoint = (settings.AZURE_ARM_ENDPOINT || "https://management.azure.com").replace(
    /\/$/,
    "",
  );
  const credential = new DefaultAzureCredential();
  const scope = settings.AZURE_ARM_SCOPE || `${endpoint}/.default`;
  const arm: ArmGet = async (pathAndQuery) => {
    const token = await credential.getToken(scope);
    const response = await fetch(`${endpoint}${pathAndQuery}`, {
      headers: { authorization: `Bearer ${token.token}` },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
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
  const results = await runDoctor(input, arm, probe);
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
