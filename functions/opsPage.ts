/**
 * GET /api/ops — the ops page, for people signed in through App Service Authentication (Entra ID)
 * with the ops app role (OPS_APP_ROLE, default CaptureOps); an anonymous browser is sent to sign
 * in. No key is involved: its links and re-run buttons use the signed-in routes under
 * /api/ops/web. Takes the list API's filters: status, target, since, until, top, continuationToken.
 */
import { randomBytes } from "node:crypto";
import {
  app,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from "@azure/functions";
import * as df from "durable-functions";
import { BROWSER_SEGMENT, signedInGate } from "../lib/ops/access";
import { durableCaptureStore } from "../lib/ops/captureStore";
import { linkBaseOf } from "../lib/ops/captureView";
import { guarded, listCaptures } from "../lib/ops/operations";
import { pageHeaders, renderOpsPage } from "../lib/ops/page";
import { parseCaptureQuery } from "../lib/ops/queries";

function plain(status: number, message: string): HttpResponseInit {
  return {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" },
    body: message,
  };
}

export async function opsPage(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const gate = signedInGate(request, false);
  if (!gate.ok) return gate.response;
  const now = new Date();
  const query = parseCaptureQuery(request.query, now);
  if (!query.ok) return plain(400, query.message);
  const base = linkBaseOf(request.url);
  const links = { ...base, opsPath: `${base.opsPath}/${BROWSER_SEGMENT}` };
  const store = durableCaptureStore(df.getClient(context));
  const nonce = randomBytes(18).toString("base64");
  const filter = Object.fromEntries(
    ["status", "target", "since", "until", "top"].flatMap((k) =>
      request.query.get(k) ? [[k, request.query.get(k) as string]] : [],
    ),
  );
  const answer = await guarded(async () => ({
    status: 200,
    body: renderOpsPage({
      list: await listCaptures({ store, links, now }, query.value),
      opsPath: links.opsPath,
      signedInAs: gate.principal.name,
      filter,
      generatedAt: now,
      nonce,
    }),
  }));
  if (answer.status !== 200) {
    const message = (answer.body as { error: string }).error;
    context.warn(`ops page for ${gate.principal.name}: ${answer.status} ${message}`);
    return plain(answer.status, message);
  }
  return { status: 200, headers: pageHeaders(nonce), body: answer.body as string };
}

app.http("opsPage", {
  route: "ops",
  methods: ["GET"],
  // The host lets everyone in; signedInGate admits only Easy Auth principals with the ops role.
  authLevel: "anonymous",
  extraInputs: [df.input.durableClient()],
  handler: opsPage,
});
