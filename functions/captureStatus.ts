/**
 * GET /api/captures/{instanceId}/status, authLevel function (the key in `x-functions-key`): the
 * key-less status URL the alert webhook and the notifications hand out (lib/webhook/statusRoute.ts).
 */
import {
  app,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from "@azure/functions";
import * as df from "durable-functions";
import { logLine } from "../lib/logging/logLine";
import { parseInstanceId } from "../lib/ops/queries";
import { durableCaptureStarter } from "../lib/webhook/captureStarter";
import { statusUrlFor } from "../lib/domain/statusUrl";
import { STATUS_ROUTE, statusAnswer } from "../lib/webhook/statusRoute";
import { OrchestratorNames } from "../lib/workflow/contracts";

export async function captureStatus(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const id = parseInstanceId(request.params.instanceId);
  if (!id.ok) return { status: 400, jsonBody: { error: id.message } };
  try {
    const snapshot = await durableCaptureStarter(() => df.getClient(context)).status(id.value);
    const answer = statusAnswer(
      snapshot,
      [OrchestratorNames.capture, OrchestratorNames.recorder],
      statusUrlFor(request.url, id.value),
    );
    return { status: answer.status, headers: answer.headers, jsonBody: answer.body };
  } catch (error) {
    context.warn(logLine`capture status ${id.value}: ${error}`);
    return {
      status: 503,
      headers: { "Retry-After": "10" },
      jsonBody: { error: "the orchestration store is unavailable; retry later" },
    };
  }
}

app.http("captureStatus", {
  route: STATUS_ROUTE,
  methods: ["GET"],
  authLevel: "function",
  extraInputs: [df.input.durableClient()],
  handler: captureStatus,
});
