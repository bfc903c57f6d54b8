/**
 * What the webhook needs from Durable Functions: its narrow view of the app's one DurableClient
 * port (lib/ops/captureStore). Keeping the view this small is what lets the webhook's answers be
 * tested without a running engine.
 */
import type { DurableClient } from "durable-functions";
import { durableCaptureStore, type CaptureStore } from "../ops/captureStore";

export type { InstanceSnapshot } from "../ops/captureStore";

export type CaptureStarter = Pick<
  CaptureStore,
  "status" | "start" | "startGroup" | "startRecorder" | "raise"
>;

/**
 * Bound lazily (`clientOf` runs at the first engine call): an alert refused at the edge never
 * needs the durable client binding, so its refusal cannot fail on it.
 */
export function durableCaptureStarter(clientOf: () => DurableClient): CaptureStarter {
  let store: CaptureStore | undefined;
  const bound = () => (store ??= durableCaptureStore(clientOf()));
  return {
    status: (instanceId) => bound().status(instanceId),
    start: (instanceId, input) => bound().start(instanceId, input),
    startGroup: (instanceId, input) => bound().startGroup(instanceId, input),
    raise: (instanceId, eventName, data) => bound().raise(instanceId, eventName, data),
    startRecorder: (instanceId, input) => bound().startRecorder(instanceId, input),
  };
}
