/**
 * POST /api/alerts — the Azure Monitor action group's Azure Function (or webhook) receiver.
 * authLevel function: the action group stores the URL with its `?code=` key.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { readWebhookSettings } from "../lib/config/appSettings";
import { readJsonBody } from "../lib/edge/jsonBody";
import { answerAlert } from "../lib/webhook/answerAlert";
import { durableCaptureStarter } from "../lib/webhook/captureStarter";

export async function alertWebhook(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const body = await readJsonBody(request);
  if (!body.ok) return { status: body.status, jsonBody: { error: body.message } };
  const settings = readWebhookSettings();
  if (!settings.ok) {
    context.error(`alertWebhook misconfigured: ${settings.message}`);
    return { status: 500, jsonBody: { error: "the function app is misconfigured; see its logs" } };
  }
  const answer = await answerAlert(body.value, settings.value, durableCaptureStarter(df.getClient(context)), new Date());
  context.log(`alertWebhook: ${answer.status} ${describe(answer.body)}`);
  return { status: answer.status, headers: answer.headers, jsonBody: answer.body };
}

function describe(body: Record<string, unknown>): string {
  if (typeof body.error === "string") return body.error;
  if (body.ignored) return `ignored: ${String(body.reason)}`;
  return `${body.deduplicated ? "deduplicated" : "started"} ${String(body.id)}`;
}

app.http("alertWebhook", {
  route: "alerts",
  methods: ["POST"],
  authLevel: "function",
  extraInputs: [df.input.durableClient()],
  handler: alertWebhook,
});
