/**
 * GET /api/groups/{id}, authLevel function (the key in `x-functions-key`): a capture group's
 * progress in one answer — the group's phase and every member capture's status. The key-less
 * status URL the webhook hands out for a group, read through the same port as the capture
 * status route (functions/captureStatus.ts).
 */
import {
  app,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from "@azure/functions";
import * as df from "durable-functions";
import { logLine } from "../lib/logging/logLine";
import { durableCaptureStarter } from "../lib/webhook/captureStarter";
import { groupStatus } from "../lib/webhook/groupStatus";

export async function captureGroupStatus(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const store = durableCaptureStarter(() => df.getClient(context));
  const id = request.params.id ?? "";
  try {
    const answer = await groupStatus(id, { read: (instanceId) => store.status(instanceId) });
    return { status: answer.status, jsonBody: answer.body };
  } catch (error) {
    context.warn(logLine`group status ${id}: ${error}`);
    return {
      status: 503,
      headers: { "Retry-After": "10" },
      jsonBody: { error: "the orchestration store is unavailable; retry later" },
    };
  }
}

app.http("captureGroupStatus", {
  route: "groups/{id}",
  methods: ["GET"],
  authLevel: "function",
  extraInputs: [df.input.durableClient()],
  handler: captureGroupStatus,
});
