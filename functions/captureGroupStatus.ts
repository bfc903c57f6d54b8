/**
 * GET /api/groups/{id} (function key): a capture group's progress in one answer — the group's
 * phase and every member capture's status — the status URL the webhook hands out for a group.
 */
import {
  app,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from "@azure/functions";
import * as df from "durable-functions";
import { groupStatus } from "../lib/webhook/groupStatus";

export async function captureGroupStatus(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const client = df.getClient(context);
  try {
    const answer = await groupStatus(request.params.id ?? "", {
      async read(instanceId) {
        try {
          const s = await client.getStatus(instanceId, { showInput: false });
          return {
            runtimeStatus: String(s.runtimeStatus),
            customStatus: s.customStatus,
            output: s.output,
          };
        } catch (error) {
          if (error instanceof Error && /HTTP 404/.test(error.message)) return undefined;
          throw error;
        }
      },
    });
    return { status: answer.status, jsonBody: answer.body };
  } catch (error) {
    context.warn(
      `group status unavailable: ${error instanceof Error ? error.message : String(error)}`,
    );
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
