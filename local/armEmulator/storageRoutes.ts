// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * `Microsoft.Storage/storageAccounts/{name}` GET, for `npm run doctor`'s capture-account check. Every
 * account exists as a Standard_LRS StorageV2 account whose blob endpoint is Azurite's (the emulator
 * maps every account to Azurite's), unless a test says otherwise with `set`.
 */
import { notFound } from "./armHttp";
import { route, type Route } from "./router";

export interface StorageAccountShape {
  /** e.g. Standard_LRS, Premium_LRS. */
  sku: string;
  kind?: string;
}

/** Per-account overrides: another SKU, or `"missing"` for a 404. */
export class StorageAccounts {
  private readonly overrides = new Map<string, StorageAccountShape | "missing">();

  constructor(readonly blobEndpoint: string) {}

  set(name: string, shape: StorageAccountShape | "missing" | undefined): void {
    if (shape === undefined) this.overrides.delete(name.toLowerCase());
    else this.overrides.set(name.toLowerCase(), shape);
  }

  get(name: string): StorageAccountShape | undefined {
    const override = this.overrides.get(name.toLowerCase());
    if (override === "missing") return undefined;
    return override ?? { sku: "Standard_LRS", kind: "StorageV2" };
  }
}

/** Azurite's blob endpoint from its connection string, with a trailing slash as ARM reports it. */
export function blobEndpointOf(connectionString: string): string {
  const endpoint = /BlobEndpoint=([^;]+)/i.exec(connectionString)?.[1] ?? "";
  return endpoint.endsWith("/") ? endpoint : `${endpoint}/`;
}

const ACCOUNT =
  "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}";

export function storageRoutes(accounts: StorageAccounts): Route[] {
  return [
    route("GET", ACCOUNT, "StorageAccounts_GetProperties", (ctx) => {
      const name = ctx.params["accountName"] ?? "";
      const shape = accounts.get(name);
      if (!shape) throw notFound(`Microsoft.Storage/storageAccounts/${name}`);
      const tier = shape.sku.split("_")[0];
      return {
        status: 200,
        body: {
          id: ctx.path,
          name,
          type: "Microsoft.Storage/storageAccounts",
          location: "westeurope",
          kind: shape.kind ?? "StorageV2",
          sku: { name: shape.sku, tier },
          properties: {
            provisioningState: "Succeeded",
            minimumTlsVersion: "TLS1_2",
            allowBlobPublicAccess: false,
            primaryEndpoints: { blob: accounts.blobEndpoint },
          },
        },
      };
    }),
  ];
}
