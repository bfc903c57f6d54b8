// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Azure RBAC for the emulator's one caller (the app's managed identity): every ARM call, LRO polls
 * included, needs the action ARM checks for it, and a packet capture PUT also needs Network
 * Watcher's documented actions on the linked target and storage account. Without them ARM answers
 * 403 `AuthorizationFailed` / `LinkedAuthorizationFailed` with its own message shape, and so does
 * the emulator. The role enforced by default is deploy/capture-operator-role.json, so a role that
 * is too narrow fails the tests the way it would fail in Azure, and an action nothing needs shows up
 * as one whose removal breaks no test (test/e2e/leastPrivilege.test.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ArmError } from "./armHttp";

/** The parts of an Azure role definition (the az CLI's JSON shape) that decide control-plane access. */
export interface RoleDefinition {
  Name?: string;
  Actions: string[];
  NotActions?: string[];
  DataActions?: string[];
}

export interface AuthorizationRequest {
  /** The route's operationId. */
  operation: string;
  params: Readonly<Record<string, string>>;
  /** The request path: the scope ARM names in its error. */
  path: string;
  body: unknown;
}

/** The emulated managed identity, as ARM names the caller in its errors. */
export const EMULATED_PRINCIPAL_ID = "11111111-2222-3333-4444-555555555555";

const NW = "Microsoft.Network/networkWatchers";
const VM = "Microsoft.Compute/virtualMachines";
const VMSS = "Microsoft.Compute/virtualMachineScaleSets";

/** operationId → the action ARM authorizes it with (Microsoft's resource provider operations list). */
const OPERATION_ACTIONS: Record<string, (params: Readonly<Record<string, string>>) => string> = {
  NetworkWatchers_ListAll: () => `${NW}/read`,
  NetworkWatchers_List: () => `${NW}/read`,
  NetworkWatchers_Get: () => `${NW}/read`,
  PacketCaptures_List: () => `${NW}/packetCaptures/read`,
  PacketCaptures_Get: () => `${NW}/packetCaptures/read`,
  PacketCaptures_Create: () => `${NW}/packetCaptures/write`,
  PacketCaptures_GetStatus: () => `${NW}/packetCaptures/queryStatus/action`,
  PacketCaptures_Stop: () => `${NW}/packetCaptures/stop/action`,
  PacketCaptures_Delete: () => `${NW}/packetCaptures/delete`,
  VirtualMachines_Get: () => `${VM}/read`,
  VirtualMachineExtensions_List: () => `${VM}/extensions/read`,
  VirtualMachineExtensions_Get: () => `${VM}/extensions/read`,
  VirtualMachineExtensions_CreateOrUpdate: () => `${VM}/extensions/write`,
  VirtualMachineScaleSets_Get: () => `${VMSS}/read`,
  VirtualMachineScaleSetExtensions_List: () => `${VMSS}/extensions/read`,
  VirtualMachineScaleSetVMs_List: () => `${VMSS}/virtualMachines/read`,
  VirtualMachineScaleSetExtensions_Get: () => `${VMSS}/extensions/read`,
  VirtualMachineScaleSetExtensions_CreateOrUpdate: () => `${VMSS}/extensions/write`,
  // Polling an LRO is a call of its own: Azure-AsyncOperation and Location URLs live under the
  // provider's locations/operations and locations/operationResults resource types.
  AzureAsyncOperation_Get: (p) => `${p["provider"] ?? ""}/locations/operations/read`,
  OperationResults_Get: (p) => `${p["provider"] ?? ""}/locations/operationResults/read`,
  StorageAccounts_GetProperties: () => "Microsoft.Storage/storageAccounts/read",
  RoleAssignments_ListForSubscription: () => "Microsoft.Authorization/roleAssignments/read",
  RoleDefinitions_Get: () => "Microsoft.Authorization/roleDefinitions/read",
};

/**
 * Network Watcher's required-permissions page lists, for packet capture, read and write on the
 * target VM or scale set ("log in to the VM, do a packet capture and upload it") and read plus SAS
 * listing on the storage account; see deploy/README.md for which of its actions we hold and why.
 */
function linkedChecks(
  operation: string,
  body: unknown,
): Array<{ scope: string; actions: string[] }> {
  if (operation !== "PacketCaptures_Create") return [];
  const properties = (body as { properties?: Record<string, unknown> } | undefined)?.properties;
  const checks: Array<{ scope: string; actions: string[] }> = [];
  const target = typeof properties?.target === "string" ? properties.target : "";
  const kind = /\/providers\/Microsoft\.Compute\/(virtualMachines|virtualMachineScaleSets)\//i.exec(
    target,
  )?.[1];
  if (kind) {
    const type = kind.toLowerCase() === "virtualmachines" ? VM : VMSS;
    checks.push({ scope: target, actions: [`${type}/read`, `${type}/write`] });
  }
  const storageId = (properties?.storageLocation as { storageId?: unknown } | undefined)?.storageId;
  if (typeof storageId === "string" && storageId !== "") {
    const account = "Microsoft.Storage/storageAccounts";
    checks.push({
      scope: storageId,
      actions: [
        `${account}/read`,
        `${account}/listServiceSas/action`,
        `${account}/listAccountSas/action`,
      ],
    });
  }
  return checks;
}

function matcher(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`, "i");
}

/**
 * Decides each request against the role the caller holds (`undefined`: none). With `enforcing`
 * false the role is still reported (role assignment routes) but every call is let through, as for
 * an operator with Owner running `npm run doctor`.
 */
export class RoleEnforcer {
  private allowed: RegExp[] = [];
  private denied: RegExp[] = [];
  private held: RoleDefinition | undefined;
  /** Every refusal since the role was last set, in order: which actions were missing. */
  readonly denials: Array<{ code: string; actions: string[] }> = [];

  constructor(
    role: RoleDefinition | undefined,
    private readonly enforcing = true,
  ) {
    this.setRole(role);
  }

  /** Replaces the role the caller holds (tests narrow it); `undefined`: no role at all. */
  setRole(role: RoleDefinition | undefined): void {
    this.held = role;
    this.denials.length = 0;
    this.allowed = (role?.Actions ?? []).map(matcher);
    this.denied = (role?.NotActions ?? []).map(matcher);
  }

  role(): RoleDefinition | undefined {
    return this.held;
  }

  permits(action: string): boolean {
    return this.allowed.some((a) => a.test(action)) && !this.denied.some((d) => d.test(action));
  }

  /** Throws ARM's 403 when the role does not cover the request. */
  authorize(request: AuthorizationRequest): void {
    if (!this.enforcing) return;
    const actionOf = OPERATION_ACTIONS[request.operation];
    const action = actionOf?.(request.params) ?? `(unmapped operation ${request.operation})`;
    const client = `The client '${EMULATED_PRINCIPAL_ID}' with object id '${EMULATED_PRINCIPAL_ID}'`;
    if (!actionOf || !this.permits(action)) {
      this.denials.push({ code: "AuthorizationFailed", actions: [action] });
      throw new ArmError(
        403,
        "AuthorizationFailed",
        `${client} does not have authorization to perform action '${action}' over scope '${request.path}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      );
    }
    for (const { scope, actions } of linkedChecks(request.operation, request.body)) {
      const missing = actions.filter((a) => !this.permits(a));
      if (missing.length === 0) continue;
      this.denials.push({ code: "LinkedAuthorizationFailed", actions: missing });
      throw new ArmError(
        403,
        "LinkedAuthorizationFailed",
        `${client} has permission to perform action '${action}' on scope '${request.path}'; however, it does not have permission to perform action(s) '${missing.join("','")}' on the linked scope(s) '${missing.map(() => scope).join("','")}' (respectively) or the linked scope(s) are invalid.`,
      );
    }
  }
}

/** deploy/capture-operator-role.json, found from this file in the source tree or in dist/. */
export function captureOperatorRole(): RoleDefinition {
  for (let dir = __dirname, i = 0; i < 6; dir = path.dirname(dir), i++) {
    const file = path.join(dir, "deploy", "capture-operator-role.json");
    if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as RoleDefinition;
  }
  throw new Error("deploy/capture-operator-role.json not found above " + __dirname);
}
