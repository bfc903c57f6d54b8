/**
 * What the webhook needs from Durable Functions: its narrow view of the app's one DurableClient
 * port (lib/ops/captureStore). Keeping the view this small is what lets the webhook's answers be
 * tested without a running engine.
 */
import type { CaptureStore } from "../ops/captureStore";

export type { InstanceSnapshot } from "../ops/captureStore";

export type CaptureStarter = Pick<CaptureStore, "status" | "start" | "managementPayload">;
