/**
 * The ops API: list, inspect, stop, re-run and purge capture instances. These read alert payloads
 * and change running captures, so every route has one of two guards (lib/ops/access.ts):
 *   /api/ops/captures…      authLevel admin: the master key in `x-functions-key` (CLI, scripts);
 *                           a key in the URL (`?code=`) is refused.
 *   /api/ops/web/captures…  the same routes for the ops page: a person signed in through App
 *                           Service Authentication with the ops app role, no key at all.
 * All task-hub access goes through DurableClient, so the same code runs in Azure and locally.
 *
 *   GET    …/captures?status=&target=&since=&until=&top=&continuationToken=
 *   GET    …/captures/{id}                 status, input, output, history summary
 *   GET    …/captures/{id}/files/{kind}    302 to a short-lived read-only link (capture | summary)
 *   POST   …/captures/{id}/stop            raise `cancel` (graceful stop)
 *   POST   …/captures/{id}/rerun           start again with the original input
 *   POST   …/captures/rerun                { status?, since, until?, target?, max? }
 *   DELETE …/captures?olderThanDays=N      purge ended instances only
 */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { readActivitySettings, readWebhookSettings } from "../lib/config/appSettings";
import { azureClients } from "../lib/azure/clients";
import { readJsonBody } from "../lib/edge/jsonBody";
import { durableCaptureStore } from "../lib/ops/captureStore";
import { linkBaseOf } from "../lib/ops/captureView";
import { registerOpsRoute, type OpsHandler } from "../lib/ops/opsRoutes";
import {
  bulkRerunAnswer,
  captureFileAnswer,
  listAnswer,
  purgeAnswer,
  rerunAnswer,
  showAnswer,
  stopAnswer,
  type OpsAnswer,
  type OpsContext,
} from "../lib/ops/operations";

/** Download links from the ops API are for a person clicking now, not for forwarding. */
const LINK_TTL_SECONDS = 15 * 60;

function opsContext(request: HttpRequest, context: InvocationContext): OpsContext {
  return {
    store: durableCaptureStore(df.getClient(context)),
    settings: readWebhookSettings(),
    links: linkBaseOf(request.url),
    now: new Date(),
  };
}

function respond(answer: OpsAnswer, context: InvocationContext, what: string): HttpResponseInit {
  if (answer.status >= 400)
    context.warn(`ops ${what}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
  else context.log(`ops ${what}: ${answer.status}`);
  return answer.status === 302
    ? { status: 302, headers: answer.headers }
    : { status: answer.status, headers: answer.headers, jsonBody: answer.body };
}

function hasBody(request: HttpRequest): boolean {
  return (
    request.headers.has("transfer-encoding") ||
    Number(request.headers.get("content-length") ?? "0") > 0
  );
}

type BodyRead = { ok: true; value: unknown } | { ok: false; answer: OpsAnswer };

async function jsonBody(request: HttpRequest, whenEmpty: BodyRead): Promise<BodyRead> {
  if (!hasBody(request)) return whenEmpty;
  const body = await readJsonBody(request);
  return body.ok
    ? body
    : { ok: false, answer: { status: body.status, body: { error: body.message } } };
}

export async function opsListCaptures(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(await listAnswer(opsContext(request, context), request.query), context, "list");
}

export async function opsShowCapture(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(
    await showAnswer(opsContext(request, context), request.params.id),
    context,
    "show",
  );
}

export async function opsStopCapture(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const body = await jsonBody(request, { ok: true, value: undefined });
  if (!body.ok) return respond(body.answer, context, "stop");
  return respond(
    await stopAnswer(opsContext(request, context), request.params.id, body.value),
    context,
    "stop",
  );
}

export async function opsRerunCapture(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(
    await rerunAnswer(opsContext(request, context), request.params.id),
    context,
    "rerun",
  );
}

export async function opsRerunCaptures(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const empty: BodyRead = {
    ok: false,
    answer: {
      status: 400,
      body: { error: 'the body is empty; expected JSON like {"status": "Failed", "since": "1h"}' },
    },
  };
  const body = await jsonBody(request, empty);
  if (!body.ok) return respond(body.answer, context, "bulk rerun");
  return respond(
    await bulkRerunAnswer(opsContext(request, context), body.value),
    context,
    "bulk rerun",
  );
}

export async function opsPurgeCaptures(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(await purgeAnswer(opsContext(request, context), request.query), context, "purge");
}

export async function opsCaptureFile(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const sign = async (blobUrl: string) => {
    const settings = readActivitySettings();
    if (!settings.ok) throw settings.error;
    return azureClients(settings.value).downloadLink(blobUrl, LINK_TTL_SECONDS);
  };
  return respond(
    await captureFileAnswer(
      opsContext(request, context),
      request.params.id,
      request.params.kind,
      sign,
    ),
    context,
    "file",
  );
}

const routes: Array<[name: string, method: "GET" | "POST" | "DELETE", route: string, OpsHandler]> =
  [
    ["opsListCaptures", "GET", "captures", opsListCaptures],
    ["opsPurgeCaptures", "DELETE", "captures", opsPurgeCaptures],
    ["opsRerunCaptures", "POST", "captures/rerun", opsRerunCaptures],
    ["opsShowCapture", "GET", "captures/{id}", opsShowCapture],
    ["opsStopCapture", "POST", "captures/{id}/stop", opsStopCapture],
    ["opsRerunCapture", "POST", "captures/{id}/rerun", opsRerunCapture],
    ["opsCaptureFile", "GET", "captures/{id}/files/{kind}", opsCaptureFile],
  ];

for (const [name, method, route, handler] of routes) registerOpsRoute(name, method, route, handler);
