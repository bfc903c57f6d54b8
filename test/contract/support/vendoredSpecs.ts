/**
 * The swaggers the contract tests load, relative to test/contract, and for each the operations it is
 * cut for: the app's calls, in the API version its SDK sends, and `npm run doctor`'s reads of the
 * providers the app has no SDK for. Under azure-rest-api-specs/ (a mirror of
 * the repository's layout) they are Microsoft's, extracted by specExtract.ts; asyncOperations/ are
 * ours (ARM's polling monitor in swagger form). vendoredSpecs.test.ts proves each is exactly that cut.
 */
import path from "node:path";

/** test/contract: the root the swagger paths below are relative to. */
export const CONTRACT_DIR = path.resolve(__dirname, "..");

/** The mirror of Azure/azure-rest-api-specs, relative to CONTRACT_DIR. */
export const SPEC_MIRROR = "azure-rest-api-specs";

export interface VendoredSpec {
  /** The swagger, relative to CONTRACT_DIR. */
  entry: string;
  /** The operations it keeps (with everything they reference). */
  operations: readonly string[];
}

export const VENDORED_SPECS: readonly VendoredSpec[] = [
  {
    entry: `${SPEC_MIRROR}/specification/network/resource-manager/Microsoft.Network/Network/stable/2026-01-01/networkWatcher.json`,
    operations: [
      "NetworkWatchers_ListAll",
      "NetworkWatchers_List",
      "NetworkWatchers_Get",
      "PacketCaptures_Create",
      "PacketCaptures_Get",
      "PacketCaptures_Delete",
      "PacketCaptures_GetStatus",
      "PacketCaptures_Stop",
      "PacketCaptures_List",
    ],
  },
  {
    entry: `${SPEC_MIRROR}/specification/compute/resource-manager/Microsoft.Compute/Compute/stable/2026-04-01/ComputeRP.json`,
    operations: [
      "VirtualMachines_Get",
      "VirtualMachineScaleSets_Get",
      "VirtualMachineExtensions_List",
      "VirtualMachineExtensions_Get",
      "VirtualMachineExtensions_CreateOrUpdate",
      "VirtualMachineScaleSetExtensions_List",
      "VirtualMachineScaleSetExtensions_Get",
      "VirtualMachineScaleSetExtensions_CreateOrUpdate",
      "VirtualMachineScaleSetVMs_List",
    ],
  },
  // npm run doctor's capture-account check (scripts/doctor/checks.ts): the app reads blobs, never
  // Microsoft.Storage's ARM API.
  {
    entry: `${SPEC_MIRROR}/specification/storage/resource-manager/Microsoft.Storage/Storage/stable/2026-04-01/openapi.json`,
    operations: ["StorageAccounts_GetProperties"],
  },
  // npm run doctor's role check (scripts/doctor/checks.ts): the app itself never reads RBAC.
  {
    entry: `${SPEC_MIRROR}/specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json`,
    operations: ["RoleAssignments_ListForSubscription"],
  },
  {
    entry: `${SPEC_MIRROR}/specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleDefinitionsCalls.json`,
    operations: ["RoleDefinitions_Get"],
  },
  { entry: "asyncOperations/network.json", operations: ["AzureAsyncOperation_Get"] },
  { entry: "asyncOperations/compute.json", operations: ["AzureAsyncOperation_Get"] },
];
