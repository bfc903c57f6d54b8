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
import { answerAlert } from "../lib/webhook/answerAlert";
import { durableCaptureStore } from "../lib/ops/captureStore";

const MISCONFIGURED: HttpResponseInit = {
  status: 500,
  jsonBody: { error: "the function app is misconfigured; see its logs" },
};

async function handleAlert(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const body = await readJsonBody(request);
  if (!body.ok) return { status: body.status, jsonBody: { error: body.message } };
  const settings = readWebhookSettings();
  if (!settings.ok) {
    context.error(`alert webhook misconfigured: ${settings.message}`);
    return MISCONFIGURED;
  }
  const answer = await answerAlert(
    body.value,
    settings.value,
    durableCaptureStore(df.getClient(context)),
    new Date(),
  );
  context.log(`alert webhook: ${answer.status} ${describe(answer.body)}`);
  if (answer.cause) context.error(`alert webhook: ${answer.status} because ${answer.cause}`);
  return { status: answer.status, headers: answer.headers, jsonBody: answer.body };
}

function describe(body: Record<string, unknown>): string {
  if (typeof body.error === "string") return body.error;
  if (body.ignored) return `ignored: ${String(body.reason)}`;
  return `${body.deduplicated ? "deduplicated" : "started"} ${String(body.id)}`;
}

function authSettings(context: InvocationContext): WebhookAuthSettings | undefined {
  const auth = readWebhookAuthSettings();
  if (auth.ok) return auth.value;
  context.error(`alert webhook misconfigured: ${auth.message}`);
  return undefined;
}

export async function alertWebhook(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const auth = authSettings(context);
  if (!auth) return MISCONFIGURED;
  if (auth.WEBHOOK_AUTH_MODE === "entra") {
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
  const auth = authSettings(context);
  if (!auth) return MISCONFIGURED;
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
    clockToleranceSeconds: 60,
  });
  if (!check.ok) {
    context.warn(`secure alert webhook refused: ${check.message}`);
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
