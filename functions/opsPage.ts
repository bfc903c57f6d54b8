/**
 * GET /api/ops — the ops page (authLevel admin; open it with `?code=<master key>` so its
 * re-run buttons can send the same key). Takes the list API's filters: status, target, since,
 * until, top, continuationToken.
 */
import { randomBytes } from "node:crypto";
import {
  app,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from "@azure/functions";
import * as df from "durable-functions";
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
  const now = new Date();
  const query = parseCaptureQuery(request.query, now);
  if (!query.ok) return plain(400, query.message);
  const links = linkBaseOf(request.url);
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
      filter,
      generatedAt: now,
      nonce,
    }),
  }));
  if (answer.status !== 200) {
    const message = (answer.body as { error: string }).error;
    context.warn(`ops page: ${answer.status} ${message}`);
    return plain(answer.status, message);
  }
  return { status: 200, headers: pageHeaders(nonce), body: answer.body as string };
}

app.http("opsPage", {
  route: "ops",
  methods: ["GET"],
  authLevel: "admin",
  extraInputs: [df.input.durableClient()],
  handler: opsPage,
});
