/**
 * GET /api/ops/captures/{id}/report — the capture's HTML report (lib/report), behind the same
 * admin key as the rest of the ops API (`?code=` or `x-functions-key`): it shows addresses and
 * alert details. The summary JSON is read with the app's own identity.
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
  handler: opsCaptureReport,
});
