/**
 * The ops API for flight recorders, authLevel `admin` like the rest of the ops API:
 *
 *   GET    /api/ops/recorders              armed recorders, the window each holds, bytes stored
 *   GET    /api/ops/recorders/{id}         one recorder (armed or ended), with its freeze report
 *   POST   /api/ops/recorders/arm          { target, hours?, files?, fileBytes? }
 *   POST   /api/ops/recorders/disarm       { target }
 */
import {
  app,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from "@azure/functions";
import * as df from "durable-functions";
import { readWebhookSettings } from "../lib/config/appSettings";
import { readJsonBody } from "../lib/edge/jsonBody";
import { durableCaptureStore } from "../lib/ops/captureStore";
import type { OpsAnswer } from "../lib/ops/operations";
import {
  armAnswer,
  disarmAnswer,
  listRecordersAnswer,
  showRecorderAnswer,
  type RecorderOpsContext,
} from "../lib/ops/recorders";
import { withoutKey } from "../lib/webhook/answerAlert";
import { durableCaptureStarter } from "../lib/webhook/captureStarter";

/** `body` is the parsed JSON body of a POST, undefined for a GET. */
type Handler = (ctx: RecorderOpsContext, request: HttpRequest, body: unknown) => Promise<OpsAnswer>;

function handle(what: string, answer: Handler, withBody: boolean) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const settings = readWebhookSettings();
    if (!settings.ok) {
      context.error(`ops ${what} misconfigured: ${settings.message}`);
      return {
        status: 503,
        jsonBody: { error: "the function app is misconfigured; see its logs" },
      };
    }
    let body: unknown;
    if (withBody) {
      const read = await readJsonBody(request);
      if (!read.ok) return { status: read.status, jsonBody: { error: read.message } };
      body = read.value;
    }
    const client = df.getClient(context);
    const starter = durableCaptureStarter(client);
    const ctx: RecorderOpsContext = {
      store: durableCaptureStore(client),
      starter,
      settings: settings.value,
      statusUrlOf: (id) => withoutKey(starter.managementPayload(id).statusQueryGetUri),
      now: new Date(),
    };
    const result = await answer(ctx, request, body);
    if (result.status >= 400) context.warn(`ops ${what}: ${result.status}`);
    else context.log(`ops ${what}: ${result.status}`);
    return { status: result.status, headers: result.headers, jsonBody: result.body };
  };
}

const routes: Array<[string, "GET" | "POST", string, Handler, boolean]> = [
  ["opsListRecorders", "GET", "ops/recorders", (ctx) => listRecordersAnswer(ctx), false],
  ["opsArmRecorder", "POST", "ops/recorders/arm", (ctx, _r, body) => armAnswer(ctx, body), true],
  [
    "opsDisarmRecorder",
    "POST",
    "ops/recorders/disarm",
    (ctx, _r, body) => disarmAnswer(ctx, body),
    true,
  ],
  [
    "opsShowRecorder",
    "GET",
    "ops/recorders/{id}",
    (ctx, r) => showRecorderAnswer(ctx, r.params.id),
    false,
  ],
];

for (const [name, method, route, answer, withBody] of routes) {
  app.http(name, {
    route,
    methods: [method],
    authLevel: "admin",
    extraInputs: [df.input.durableClient()],
    handler: handle(name, answer, withBody),
  });
}
