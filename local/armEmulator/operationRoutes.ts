// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/** The polling URLs handed out in `Azure-AsyncOperation` and `Location` headers, for both providers. */
import type { OperationRegistry } from "./operations";
import { route, type Route } from "./router";

const REGION = "/subscriptions/{subscriptionId}/providers/{provider}/locations/{region}";

export function operationRoutes(operations: OperationRegistry): Route[] {
  return [
    route("GET", `${REGION}/operations/{operationId}`, "AzureAsyncOperation_Get", (ctx) =>
      operations.asyncOperationStatus(ctx.params),
    ),
    route("GET", `${REGION}/operationResults/{operationId}`, "OperationResults_Get", (ctx) =>
      operations.operationResult(ctx.params, `${ctx.baseUrl}${ctx.path}?${ctx.query.toString()}`),
    ),
  ];
}
