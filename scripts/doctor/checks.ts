/**
 * `npm run doctor`: first-run checks of a deployment, each with the exact command that fixes it.
 * Network and Compute are asked through the app's own adapters and SDK clients (lib/azure), so in the
 * API versions the app itself sends; Storage and Authorization, which the app has no SDK for, through
 * an ARM GET on the same clients' pipeline. The clients are injected (the CLI's credential, the
 * emulator in tests), so the checks are the same code in both.
 */
import { createDefaultHttpClient, createPipelineRequest } from "@azure/core-rest-pipeline";
import type { Pipeline } from "@azure/core-rest-pipeline";
import { describeError } from "../../lib/azure/armErrors";
import type { AzureClients } from "../../lib/azure/clients";
import { getTarget, listExtensions, listWatchers } from "../../lib/azure/networkWatcher";
import {
  readActivitySettings,
  readWebhookAuthSettings,
  readWebhookSettings,
} from "../../lib/config/appSettings";
import {
  AGENT_DEFAULT_NAME,
  AGENT_TYPE_HANDLER_VERSION,
  AGENT_TYPES,
  findAgent,
  sameRegion,
  type ExtensionInfo,
} from "../../lib/domain/agentExtension";
import { parseCaptureTarget, parseStorageAccountId } from "../../lib/domain/armId";

export interface ArmAnswer {
  status: number;
  body: unknown;
}

/** A GET of an ARM path (with its query, api-version included) as the operator. */
export type ArmGet = (pathAndQuery: string) => Promise<ArmAnswer>;

/** How the doctor reaches ARM. */
export interface DoctorArm {
  /** The app's clients: Network Watcher and Compute calls go through lib/azure's adapters. */
  clients: AzureClients;
  /** Storage and Authorization reads, in the API versions of `API` below. */
  get: ArmGet;
}

/** How long one ARM or probe request may take. */
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * An ArmGet over an SDK client's pipeline (its credential, retries and TLS settings), for the
 * providers the app has no SDK client for.
 */
export function pipelineGet(client: { pipeline: Pipeline }, endpoint: string): ArmGet {
  const httpClient = createDefaultHttpClient();
  return async (pathAndQuery) => {
    const response = await client.pipeline.sendRequest(
      httpClient,
      createPipelineRequest({
        url: `${endpoint.replace(/\/$/, "")}${pathAndQuery}`,
        method: "GET",
        timeout: REQUEST_TIMEOUT_MS,
      }),
    );
    const text = response.bodyAsText;
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
}
/** Whether an HTTPS endpoint answers at all (any status). */
export type Probe = (url: string) => Promise<boolean>;

export interface DoctorInput {
  /** The app's settings, as `az functionapp config appsettings list` shows them. */
  settings: Record<string, string | undefined>;
  subscriptionId: string;
  /** For the fix commands. */
  resourceGroup: string;
  appName: string;
  /** A VM alerts will name: its agent is checked, its region joins `regions`. */
  vmId?: string;
  /** The app identity's principal ID (the deployment's `principalId` output). */
  principalId?: string;
  /** Regions holding VMs that may be captured. */
  regions: string[];
  /** deploy/capture-operator-role.json */
  role: { Name: string; Actions: string[]; DataActions: string[] };
}

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  /** The command that fixes a failed check. */
  fix?: string;
}

/**
 * API versions for the providers the app itself never calls (it reads capture blobs through the
 * blob endpoint, and RBAC not at all), so no SDK of the app's fixes them. Current stable versions,
 * the ones test/contract vendors Microsoft's specs of: Microsoft.Storage 2026-04-01, and
 * Microsoft.Authorization 2022-04-01 (the newest stable version with both role assignments and
 * role definitions).
 */
const API = {
  storage: "2026-04-01",
  authorization: "2022-04-01",
};

function armMessage(answer: ArmAnswer): string {
  const error = (answer.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return error ? `${answer.status} ${error.code}: ${error.message}` : `HTTP ${answer.status}`;
}

function checkSettings(input: DoctorInput): CheckResult {
  const fix = (name: string) =>
    `az functionapp config appsettings set -g ${input.resourceGroup} -n ${input.appName} --settings ${name}=<value>`;
  for (const read of [readWebhookSettings, readWebhookAuthSettings, readActivitySettings]) {
    const result = read(input.settings);
    if (!result.ok) {
      const name = /app settings? ([A-Z_]+)/.exec(result.message)?.[1] ?? "<NAME>";
      return { name: "app settings parse", ok: false, detail: result.message, fix: fix(name) };
    }
  }
  if (!input.settings.CAPTURE_STORAGE_ACCOUNT_ID)
    return {
      name: "app settings parse",
      ok: false,
      detail: "CAPTURE_STORAGE_ACCOUNT_ID is not set: captures have nowhere to go",
      fix: fix("CAPTURE_STORAGE_ACCOUNT_ID"),
    };
  return {
    name: "app settings parse",
    ok: true,
    detail: "webhook, auth and activity settings valid",
  };
}

async function checkStorage(input: DoctorInput, arm: ArmGet, probe: Probe): Promise<CheckResult> {
  const name = "capture storage account";
  const account = parseStorageAccountId(input.settings.CAPTURE_STORAGE_ACCOUNT_ID ?? "");
  if (!account)
    return { name, ok: false, detail: "CAPTURE_STORAGE_ACCOUNT_ID is not a storage account ID" };
  const create = `az storage account create -g ${account.resourceGroup} -n ${account.name} --subscription ${account.subscriptionId} --sku Standard_LRS --kind StorageV2 --min-tls-version TLS1_2 --allow-blob-public-access false`;
  const answer = await arm(`${account.resourceId}?api-version=${API.storage}`);
  if (answer.status === 404)
    return { name, ok: false, detail: `${account.name} does not exist`, fix: create };
  if (answer.status !== 200) return { name, ok: false, detail: armMessage(answer) };
  const body = answer.body as {
    sku?: { name?: string; tier?: string };
    properties?: { primaryEndpoints?: { blob?: string } };
  };
  if (body.sku?.tier !== "Standard")
    return {
      name,
      ok: false,
      detail: `${account.name} is ${body.sku?.name ?? "of unknown SKU"}: Network Watcher cannot write captures to premium storage`,
      fix: `${create.replace(account.name, `${account.name.slice(0, 20)}std`)}  # then point CAPTURE_STORAGE_ACCOUNT_ID at it`,
    };
  const blob = body.properties?.primaryEndpoints?.blob;
  if (!blob || !(await probe(blob)))
    return {
      name,
      ok: false,
      detail: `${account.name}'s blob endpoint ${blob ?? "(none)"} does not answer from here`,
      fix: `az storage account show -g ${account.resourceGroup} -n ${account.name} --query "{network:networkRuleSet.defaultAction,public:publicNetworkAccess}"`,
    };
  return { name, ok: true, detail: `${account.name}: ${body.sku.name}, blob endpoint answers` };
}

async function vmInfo(
  input: DoctorInput,
  clients: AzureClients,
): Promise<{ location?: string; failure?: CheckResult }> {
  if (!input.vmId) return {};
  const name = "named VM";
  const target = parseCaptureTarget(input.vmId);
  if (!target) return { failure: { name, ok: false, detail: `${input.vmId} is not a VM ID` } };
  try {
    return { location: (await getTarget(clients, target)).location };
  } catch (error) {
    return { failure: { name, ok: false, detail: `${input.vmId}: ${describeError(error)}` } };
  }
}

async function checkWatchers(
  input: DoctorInput,
  clients: AzureClients,
  regions: string[],
): Promise<CheckResult[]> {
  if (regions.length === 0)
    return [
      {
        name: "Network Watcher per region",
        ok: false,
        detail: "no region to check: pass --regions or --vm",
      },
    ];
  let watchers: Array<{ name: string; location?: string }>;
  try {
    watchers = await listWatchers(clients, input.subscriptionId);
  } catch (error) {
    return [{ name: "Network Watcher per region", ok: false, detail: describeError(error) }];
  }
  return regions.map((region) => {
    const watcher = watchers.find((w) => sameRegion(w.location, region));
    return watcher
      ? { name: `Network Watcher in ${region}`, ok: true, detail: watcher.name }
      : {
          name: `Network Watcher in ${region}`,
          ok: false,
          detail: `no watcher in ${region}: captures of VMs there fail`,
          fix: `az network watcher configure -g NetworkWatcherRG -l ${region} --enabled true --subscription ${input.subscriptionId}`,
        };
  });
}

async function checkAgent(
  input: DoctorInput,
  clients: AzureClients,
): Promise<CheckResult | undefined> {
  if (!input.vmId) return undefined;
  const target = parseCaptureTarget(input.vmId);
  const name = "Network Watcher agent on the named VM";
  if (target?.kind !== "virtualMachine")
    return { name, ok: false, detail: `${input.vmId} is not a VM ID` };
  let extensions: ExtensionInfo[];
  try {
    extensions = await listExtensions(clients, target);
  } catch (error) {
    return { name, ok: false, detail: describeError(error) };
  }
  const agent = findAgent(extensions);
  if (agent)
    return {
      name,
      ok: true,
      detail: `${agent.name ?? agent.type} (${agent.provisioningState ?? "state unknown"})`,
    };
  return {
    name,
    ok: false,
    detail: `${target.name} has no Network Watcher agent extension`,
    fix: `az vm extension set -g ${target.resourceGroup} --vm-name ${target.name} --subscription ${target.subscriptionId} --publisher Microsoft.Azure.NetworkWatcher --name ${AGENT_TYPES.Linux} --extension-instance-name ${AGENT_DEFAULT_NAME} --version ${AGENT_TYPE_HANDLER_VERSION}  # ${AGENT_TYPES.Windows} on Windows`,
  };
}

async function checkRole(input: DoctorInput, arm: ArmGet): Promise<CheckResult> {
  const name = "app identity holds the capture role at subscription scope";
  const scope = `/subscriptions/${input.subscriptionId}`;
  if (!input.principalId)
    return { name, ok: false, detail: "no --principal-id (the deployment's principalId output)" };
  const fix = `az role assignment create --assignee-object-id ${input.principalId} --assignee-principal-type ServicePrincipal --role "${input.role.Name} (${input.subscriptionId})" --scope ${scope}`;
  const assignments = await arm(
    `${scope}/providers/Microsoft.Authorization/roleAssignments?$filter=${encodeURIComponent(`principalId eq '${input.principalId}'`)}&api-version=${API.authorization}`,
  );
  if (assignments.status !== 200) return { name, ok: false, detail: armMessage(assignments) };
  const atScope = (
    (
      assignments.body as {
        value?: Array<{ properties?: { scope?: string; roleDefinitionId?: string } }>;
      }
    ).value ?? []
  )
    .map((a) => a.properties ?? {})
    .filter((p) => p.scope?.toLowerCase() === scope.toLowerCase() && p.roleDefinitionId);
  let missing = [...input.role.Actions, ...input.role.DataActions];
  for (const assignment of atScope) {
    const definition = await arm(`${assignment.roleDefinitionId}?api-version=${API.authorization}`);
    if (definition.status !== 200) continue;
    const permissions =
      (
        definition.body as {
          properties?: { permissions?: Array<{ actions?: string[]; dataActions?: string[] }> };
        }
      ).properties?.permissions ?? [];
    const granted = new Set(
      permissions
        .flatMap((p) => [...(p.actions ?? []), ...(p.dataActions ?? [])])
        .map((a) => a.toLowerCase()),
    );
    missing = missing.filter((action) => !granted.has(action.toLowerCase()));
  }
  if (atScope.length === 0)
    return {
      name,
      ok: false,
      detail: `no role assignment for ${input.principalId} at ${scope}`,
      fix,
    };
  if (missing.length > 0)
    return {
      name,
      ok: false,
      detail: `the roles assigned at ${scope} lack ${missing.join(", ")}`,
      fix: "az deployment sub create … (redeploy deploy/azuredeploy.json: it updates the role definition)",
    };
  return { name, ok: true, detail: `every action of ${input.role.Name} is granted at ${scope}` };
}

/** Runs every check; a failing one never stops the others. */
export async function runDoctor(
  input: DoctorInput,
  arm: DoctorArm,
  probe: Probe,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [checkSettings(input)];
  results.push(await checkStorage(input, arm.get, probe));
  const vm = await vmInfo(input, arm.clients);
  if (vm.failure) results.push(vm.failure);
  const regions = [...new Set([...input.regions, ...(vm.location ? [vm.location] : [])])];
  results.push(...(await checkWatchers(input, arm.clients, regions)));
  const agent = await checkAgent(input, arm.clients);
  if (agent) results.push(agent);
  results.push(await checkRole(input, arm.get));
  return results;
}

/** ✓/✗ lines with the fix under each failure. */
export function renderResults(results: CheckResult[]): string {
  return results
    .map((r) => `${r.ok ? "✓" : "✗"} ${r.name}: ${r.detail}${r.fix ? `\n    fix: ${r.fix}` : ""}`)
    .join("\n");
}
