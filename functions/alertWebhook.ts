/**
 * The Azure Monitor action group's receivers:
 *   POST /api/alerts         authLevel function: the URL is stored with its `?code=` key.
 *   POST /api/alerts/secure  Azure Monitor's "secure webhook": a Microsoft Entra ID bearer token.
 * WEBHOOK_AUTH_MODE picks which of the two is open (key, entra or both).
 */
import {
  app,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from "@azure/functions";
import * as df from "durable-functions";
import {
  readWebhookAuthSettings,
  readWebhookSettings,
  type WebhookAuthSettings,
} from "../lib/config/appSettings";
import { checkEntraToken, defaultJwksUrl } from "../lib/edge/entraToken";
import { readJsonBody } from "../lib/edge/jsonBody";
import { logLine } from "../lib/logging/logLine";
import {
  answerAlert,
  misconfigured,
  retryLater,
  type WebhookAnswer,
} from "../lib/webhook/answerAlert";
import { durableCaptureStarter } from "../lib/webhook/captureStarter";
import { appRecorderMailbox } from "../lib/workflow/recorderMailbox";
import { RecentInstances } from "../lib/webhook/recentInstances";
import { statusUrlFor } from "../lib/domain/statusUrl";

/** Recorder freezes are written here before they are raised. */
const mailbox = appRecorderMailbox();

/** This host's view of instances it just started or saw running (the storm fast path). */
const recent = new RecentInstances(10_000);

/** Every answer leaves here: the app's own faults are logged as errors, the rest as one line. */
function respond(answer: WebhookAnswer, context: InvocationContext): HttpResponseInit {
  if (answer.problem) context.error(logLine`alert webhook misconfigured: ${answer.problem}`);
  if (answer.cause) context.error(logLine`alert webhook: ${answer.status} because ${answer.cause}`);
  context.log(logLine`alert webhook: ${answer.status} ${describe(answer.body)}`);
  return { status: answer.status, headers: answer.headers, jsonBody: answer.body };
}

async function decide(request: HttpRequest, context: InvocationContext): Promise<WebhookAnswer> {
  const body = await readJsonBody(request);
  if (!body.ok) return { status: body.status, body: { error: body.message } };
  const settings = readWebhookSettings();
  if (!settings.ok) return misconfigured(settings.message);
  return answerAlert(body.value, settings.value, {
    starter: durableCaptureStarter(() => df.getClient(context)),
    mailbox,
    now: new Date(),
    statusUrlOf: (instanceId) => statusUrlFor(request.url, instanceId),
    recent,
  });
}

/**
 * Anything unforeseen (a binding that throws, a stream that breaks) is a "can't decide now" as
 * well: Azure Monitor retries a 503 but drops the alert on a 500.
 */
async function handleAlert(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  try {
    return respond(await decide(request, context), context);
  } catch (error) {
    context.error(logLine`alert webhook failed unexpectedly: ${error}`);
    return respond(retryLater("the alert could not be handled now; retry later"), context);
  }
}

function describe(body: Record<string, unknown>): string {
  if (typeof body.error === "string") return body.error;
  if (body.ignored) return `ignored: ${String(body.reason)}`;
  return `${body.deduplicated ? "deduplicated" : "started"} ${String(body.id)}`;
}

type AuthRead = { ok: true; value: WebhookAuthSettings } | { ok: false; answer: HttpResponseInit };

function authSettings(context: InvocationContext): AuthRead {
  const auth = readWebhookAuthSettings();
  if (auth.ok) return auth;
  return { ok: false, answer: respond(misconfigured(auth.message), context) };
}

export async function alertWebhook(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const read = authSettings(context);
  if (!read.ok) return read.answer;
  if (read.value.WEBHOOK_AUTH_MODE === "entra") {
    return {
      status: 403,
      jsonBody: {
        error: "function-key alerts are disabled (WEBHOOK_AUTH_MODE=entra); use /api/alerts/secure",
      },
    };
  }
  return handleAlert(request, context);
}

export async function secureAlertWebhook(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const read = authSettings(context);
  if (!read.ok) return read.answer;
  const auth = read.value;
  if (auth.WEBHOOK_AUTH_MODE === "key" || !auth.ENTRA_TENANT_ID) {
    return {
      status: 404,
      jsonBody: { error: "the secure webhook is disabled (WEBHOOK_AUTH_MODE=key)" },
    };
  }
  const check = await checkEntraToken(request.headers.get("authorization"), {
    tenantId: auth.ENTRA_TENANT_ID,
    audiences: auth.ENTRA_AUDIENCES,
    jwksUrl: auth.ENTRA_JWKS_URL ?? defaultJwksUrl(auth.ENTRA_TENANT_ID),
    requiredRole: auth.ENTRA_REQUIRED_ROLE,
    allowedClientAppIds: auth.ENTRA_ALLOWED_CLIENT_APP_IDS,
    clockToleranceSeconds: 60,
  });
  if (!check.ok) {
    context.warn(logLine`secure alert webhook refused: ${check.message}`);
    const headers: Record<string, string> =
      check.status === 401 ? { "WWW-Authenticate": 'Bearer error="invalid_token"' } : {};
    return { status: check.status, headers, jsonBody: { error: check.message } };
  }
  return handleAlert(request, context);
}

app.http("alertWebhook", {
  route: "alerts",
  methods: ["POST"],
  authLevel: "function",
  extraInputs: [df.input.durableClient()],
  handler: alertWebhook,
});

app.http("secureAlertWebhook", {
  route: "alerts/secure",
  methods: ["POST"],
  authLevel: "anonymous",
  extraInputs: [df.input.durableClient()],
  handler: secureAlertWebhook,
});
