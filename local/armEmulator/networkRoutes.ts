// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * `Microsoft.Network/networkWatchers` and `packetCaptures`, answered the way @azure/arm-network v39
 * expects (reference §2.6): PUT → 201 + `Azure-AsyncOperation`; queryStatus, stop and DELETE → 202 +
 * `Location`, then the final response from the operation-results URL.
 */
import { notFound, type ArmResponse } from "./armHttp";
import {
  captureResourceJson,
  captureStatusJson,
  type CaptureService,
} from "./capture/captureService";
import type { FaultController } from "./faults";
import type { Inventory, NetworkWatcherRecord } from "./inventory";
import type { OperationOutcome, OperationRegistry } from "./operations";
import { pageOf } from "./paging";
import { route, type RequestContext, type Route } from "./router";

export interface NetworkRouteDeps {
  inventory: Inventory;
  captures: CaptureService;
  operations: OperationRegistry;
  faults: FaultController;
  pageSize: number;
}

const WATCHERS =
  "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/networkWatchers";
const WATCHER = `${WATCHERS}/{networkWatcherName}`;
const CAPTURE = `${WATCHER}/packetCaptures/{packetCaptureName}`;

/** The operations whose failure can be injected with an `lroFailure` fault. */
export const NETWORK_LRO_OPERATIONS = [
  "PacketCaptures_Create",
  "PacketCaptures_GetStatus",
  "PacketCaptures_Stop",
  "PacketCaptures_Delete",
];

export function networkRoutes(deps: NetworkRouteDeps): Route[] {
  const { inventory, captures, pageSize } = deps;

  const watcherOf = (ctx: RequestContext): NetworkWatcherRecord => {
    const { subscriptionId = "", resourceGroupName = "", networkWatcherName = "" } = ctx.params;
    const watcher = inventory.watcher(subscriptionId, resourceGroupName, networkWatcherName);
    if (!watcher) throw notFound(`Microsoft.Network/networkWatchers/${networkWatcherName}`);
    return watcher;
  };
  const captureOf = (ctx: RequestContext) =>
    captures.get(watcherOf(ctx), ctx.params["packetCaptureName"] ?? "");

  /**
   * 202 + Location for a POST/DELETE whose outcome is `work`, unless a fault fails it. `accepted` is
   * the 202's body where the spec declares one (queryStatus: PacketCaptureQueryStatusResult).
   */
  const locationLro = (
    ctx: RequestContext,
    operation: string,
    watcher: NetworkWatcherRecord,
    work: () => Promise<OperationOutcome>,
    accepted?: unknown,
  ): ArmResponse => {
    const failure = deps.faults.takeLroFailure(operation);
    const outcome = failure
      ? Promise.resolve<OperationOutcome>({ outcome: "failed", ...failure })
      : work();
    const op = deps.operations.start(ctx.baseUrl, scopeOf(watcher, ctx), outcome);
    return {
      status: 202,
      headers: { location: op.locationUrl, "retry-after": "0" },
      ...(accepted !== undefined && { body: accepted }),
    };
  };

  return [
    route(
      "GET",
      "/subscriptions/{subscriptionId}/providers/Microsoft.Network/networkWatchers",
      "NetworkWatchers_ListAll",
      (ctx) =>
        pageOf(inventory.watchers(ctx.params["subscriptionId"] ?? ""), ctx, pageSize, watcherJson),
    ),
    route("GET", WATCHERS, "NetworkWatchers_List", (ctx) => {
      const rg = (ctx.params["resourceGroupName"] ?? "").toLowerCase();
      const inGroup = inventory
        .watchers(ctx.params["subscriptionId"] ?? "")
        .filter((w) => w.resourceGroup.toLowerCase() === rg);
      return pageOf(inGroup, ctx, pageSize, watcherJson);
    }),
    route("GET", WATCHER, "NetworkWatchers_Get", (ctx) => ({
      status: 200,
      body: watcherJson(watcherOf(ctx)),
    })),

    route("GET", `${WATCHER}/packetCaptures`, "PacketCaptures_List", (ctx) =>
      pageOf(captures.list(watcherOf(ctx)), ctx, pageSize, captureResourceJson),
    ),
    route("GET", CAPTURE, "PacketCaptures_Get", (ctx) => ({
      status: 200,
      body: captureResourceJson(captureOf(ctx)),
    })),
    route("PUT", CAPTURE, "PacketCaptures_Create", (ctx) => {
      const watcher = watcherOf(ctx);
      const { record, started } = captures.create(
        watcher,
        ctx.params["packetCaptureName"] ?? "",
        ctx.body,
      );
      const op = deps.operations.start(ctx.baseUrl, scopeOf(watcher, ctx), started);
      return {
        status: 201,
        headers: { "azure-asyncoperation": op.asyncOperationUrl, "retry-after": "0" },
        body: captureResourceJson(record),
      };
    }),
    route("POST", `${CAPTURE}/queryStatus`, "PacketCaptures_GetStatus", (ctx) => {
      const record = captureOf(ctx);
      // The spec (and its example) gives the 202 the status body too, not only the final 200.
      return locationLro(
        ctx,
        "PacketCaptures_GetStatus",
        record.watcher,
        async () => ({
          outcome: "succeeded",
          response: { status: 200, body: captureStatusJson(record) },
        }),
        captureStatusJson(record),
      );
    }),
    route("POST", `${CAPTURE}/stop`, "PacketCaptures_Stop", (ctx) => {
      const record = captureOf(ctx);
      return locationLro(ctx, "PacketCaptures_Stop", record.watcher, async () => {
        await record.session.stop("Manual");
        return { outcome: "succeeded", response: { status: 200 } };
      });
    }),
    route("DELETE", CAPTURE, "PacketCaptures_Delete", (ctx) => {
      const watcher = watcherOf(ctx);
      const record = captures.find(watcher, ctx.params["packetCaptureName"] ?? "");
      // ARM answers 204 to a DELETE of something that does not exist.
      if (!record) return { status: 204 };
      return locationLro(ctx, "PacketCaptures_Delete", watcher, async () => {
        await captures.delete(record);
        return { outcome: "succeeded", response: { status: 204 } };
      });
    }),
  ];
}

function scopeOf(watcher: NetworkWatcherRecord, ctx: RequestContext) {
  return {
    subscriptionId: watcher.subscriptionId,
    region: watcher.region,
    provider: "Microsoft.Network" as const,
    apiVersion: ctx.query.get("api-version") ?? "",
  };
}

function watcherJson(w: NetworkWatcherRecord): unknown {
  return {
    id: w.id,
    name: w.name,
    type: "Microsoft.Network/networkWatchers",
    location: w.region,
    etag: `W/"${w.region}"`,
    properties: { provisioningState: "Succeeded" },
  };
}
