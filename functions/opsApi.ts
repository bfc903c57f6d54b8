/**
 * The ops API: list, inspect, stop, re-run and purge capture instances. authLevel `admin` on
 * every route (the master key, `?code=` or `x-functions-key`): these read alert payloads and
 * change running captures. All task-hub access goes through DurableClient, so the same code runs
 * in Azure and on the local runtime.
 *
 *   GET    /api/ops/captures?status=&target=&since=&until=&top=&continuationToken=
 *   GET    /api/ops/captures/{id}                 status, input, output, history summary
 *   GET    /api/ops/captures/{id}/files/{kind}    302 to a short-lived read-only link (capture | summary)
 *   POST   /api/ops/captures/{id}/stop            raise `cancel` (graceful stop)
 *   POST   /api/ops/captures/{id}/rerun           start again with the original input
 *   POST   /api/ops/captures/rerun                { status?, since, until?, target?, max? }
 *   DELETE /api/ops/captures?olderThanDays=N      purge ended instances only
 */
import {
  app,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from "@azure/functions";
import * as df from "durable-functions";
import { readActivitySettings, readWebhookSettings } from "../lib/config/appSettings";
import { azureClients } from "../lib/azure/clients";
import { readJsonBody } from "../lib/edge/jsonBody";
import { durableCaptureStore } from "../lib/ops/captureStore";
import { linkBaseOf } from "../lib/ops/captureView";
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
    if (!settings.ok) throw new Error(`the function app is misconfigured: ${settings.message}`);
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

const routes: Array<
  [
    name: string,
    method: "GET" | "POST" | "DELETE",
    route: string,
    handler: (r: HttpRequest, c: InvocationContext) => Promise<HttpResponseInit>,
  ]
> = [
  ["opsListCaptures", "GET", "ops/captures", opsListCaptures],
  ["opsPurgeCaptures", "DELETE", "ops/captures", opsPurgeCaptures],
  ["opsRerunCaptures", "POST", "ops/captures/rerun", opsRerunCaptures],
  ["opsShowCapture", "GET", "ops/captures/{id}", opsShowCapture],
  ["opsStopCapture", "POST", "ops/captures/{id}/stop", opsStopCapture],
  ["opsRerunCapture", "POST", "ops/captures/{id}/rerun", opsRerunCapture],
  ["opsCaptureFile", "GET", "ops/captures/{id}/files/{kind}", opsCaptureFile],
];

for (const [name, method, route, handler] of routes) {
  app.http(name, {
    route,
    methods: [method],
    authLevel: "admin",
    extraInputs: [df.input.durableClient()],
    handler,
  });
}
