/**
 * The capture's HTML report (lib/report): it shows addresses and alert details, so it sits
 * behind the ops API's two doors (lib/ops/access) — `GET /api/ops/web/captures/{id}/report` for a
 * person signed in with the ops role (the link notifications and the page carry: no key in any
 * URL), and `GET /api/ops/captures/{id}/report` for scripts with the admin key in
 * `x-functions-key`. The summary JSON is read with the app's own identity.
 */
import {
  app,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from "@azure/functions";
import * as df from "durable-functions";
import { azureClients } from "../lib/azure/clients";
import { readActivitySettings } from "../lib/config/appSettings";
import { BROWSER_SEGMENT, keyInUrlRefusal, signedInGate } from "../lib/ops/access";
import { durableCaptureStore } from "../lib/ops/captureStore";
import { linkBaseOf } from "../lib/ops/captureView";
import { captureReportAnswer, REPORT_HEADERS } from "../lib/report/reportAnswer";

/** A summary is a few hundred KB at most (bounded top lists and timeline); refuse anything far larger. */
const MAX_SUMMARY_BYTES = 8 * 1024 * 1024;

async function readSummary(blobUrl: string): Promise<string> {
  const settings = readActivitySettings();
  if (!settings.ok) throw new Error(`the function app is misconfigured: ${settings.message}`);
  const blob = azureClients(settings.value).blob(blobUrl);
  const properties = await blob.getProperties();
  if ((properties.contentLength ?? 0) > MAX_SUMMARY_BYTES)
    throw new Error(`the summary is ${properties.contentLength} bytes, over ${MAX_SUMMARY_BYTES}`);
  return (await blob.downloadToBuffer()).toString("utf8");
}

export async function opsCaptureReport(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const answer = await captureReportAnswer(
    {
      store: durableCaptureStore(df.getClient(context)),
      links: linkBaseOf(request.url),
      now: new Date(),
    },
    request.params.id,
    readSummary,
  );
  if (answer.status >= 400) context.warn(`ops report: ${answer.status}`);
  else context.log("ops report: 200");
  return {
    status: answer.status,
    headers: { ...REPORT_HEADERS, ...answer.headers },
    body: answer.html,
  };
}

app.http("opsCaptureReport", {
  route: "ops/captures/{id}/report",
  methods: ["GET"],
  authLevel: "admin",
  extraInputs: [df.input.durableClient()],
  handler: async (request, context) =>
    keyInUrlRefusal(request) ?? opsCaptureReport(request, context),
});

app.http("opsCaptureReportWeb", {
  route: `ops/${BROWSER_SEGMENT}/captures/{id}/report`,
  methods: ["GET"],
  // The host lets everyone in; the gate admits only Easy Auth principals with the ops role and
  // sends anyone else to sign in.
  authLevel: "anonymous",
  extraInputs: [df.input.durableClient()],
  handler: async (request, context) => {
    const gate = signedInGate(request, false);
    return gate.ok ? opsCaptureReport(request, context) : gate.response;
  },
});
