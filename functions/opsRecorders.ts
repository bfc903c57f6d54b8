/**
 * The ops API for flight recorders, behind the same two guards as the rest of the ops API
 * (lib/ops/access.ts): `/api/ops/recorders…` with the admin key in `x-functions-key` only (a
 * `?code=` key is refused), and `/api/ops/web/recorders…` for a person signed in with the ops role.
 *
 *   GET    …/recorders              armed recorders, the window each holds, bytes stored
 *   GET    …/recorders/{id}         one recorder (armed or ended), with its freeze report
 *   POST   …/recorders/arm          { target, hours?, files?, fileBytes? }
 *   POST   …/recorders/disarm       { target }
 */
import type { HttpRequest } from "@azure/functions";
import * as df from "durable-functions";
import { readWebhookSettings } from "../lib/config/appSettings";
import { statusUrlFor } from "../lib/domain/statusUrl";
import { readJsonBody } from "../lib/edge/jsonBody";
import { appRecorderMailbox } from "../lib/workflow/recorderMailbox";
import { durableCaptureStore } from "../lib/ops/captureStore";
import { registerOpsRoute, type OpsHandler } from "../lib/ops/opsRoutes";
import type { OpsAnswer } from "../lib/ops/operations";
import {
  armAnswer,
  disarmAnswer,
  listRecordersAnswer,
  showRecorderAnswer,
  type RecorderOpsContext,
} from "../lib/ops/recorders";

/** `body` is the parsed JSON body of a POST, undefined for a GET. */
/** Disarms are written here before they are raised. */
const mailbox = appRecorderMailbox();

type Answer = (ctx: RecorderOpsContext, request: HttpRequest, body: unknown) => Promise<OpsAnswer>;

function handle(what: string, answer: Answer, withBody: boolean): OpsHandler {
  return async (request, context) => {
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
    const store = durableCaptureStore(df.getClient(context));
    const ctx: RecorderOpsContext = {
      store,
      starter: store,
      mailbox,
      settings: settings.value,
      // Our key-less status route, never the Durable management URLs (they carry the system key).
      statusUrlOf: (id) => statusUrlFor(request.url, id),
      now: new Date(),
    };
    const result = await answer(ctx, request, body);
    if (result.status >= 400) context.warn(`ops ${what}: ${result.status}`);
    else context.log(`ops ${what}: ${result.status}`);
    return { status: result.status, headers: result.headers, jsonBody: result.body };
  };
}

const routes: Array<[string, "GET" | "POST", string, Answer, boolean]> = [
  ["opsListRecorders", "GET", "recorders", (ctx) => listRecordersAnswer(ctx), false],
  ["opsArmRecorder", "POST", "recorders/arm", (ctx, _r, body) => armAnswer(ctx, body), true],
  [
    "opsDisarmRecorder",
    "POST",
    "recorders/disarm",
    (ctx, _r, body) => disarmAnswer(ctx, body),
    true,
  ],
  [
    "opsShowRecorder",
    "GET",
    "recorders/{id}",
    (ctx, r) => showRecorderAnswer(ctx, r.params.id),
    false,
  ],
];

for (const [name, method, route, answer, withBody] of routes)
  registerOpsRoute(name, method, route, handle(name, answer, withBody));
