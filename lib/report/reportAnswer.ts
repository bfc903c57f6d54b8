/**
 * GET /api/ops/captures/{id}/report: finds the capture's summary JSON through the instance's
 * output, reads it from storage, checks it and renders the page. Errors are short HTML pages with
 * the right status, never a 500 for a bad id or a missing summary.
 */
import { captureRow } from "../ops/captureView";
import { escapeHtml } from "../ops/html";
import { guarded, type OpsContext } from "../ops/operations";
import { parseInstanceId } from "../ops/queries";
import { OrchestratorNames } from "../workflow/contracts";
import { renderCaptureReport } from "./captureReportPage";
import { parseSummary } from "./summaryShape";

export interface HtmlAnswer {
  status: number;
  html: string;
  headers?: Record<string, string>;
}

/** Inline styles and SVG only: no script, no outside resource, not framed elsewhere. */
export const REPORT_HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Content-Security-Policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "no-store",
} as const;

function problem(status: number, message: string): HtmlAnswer {
  return {
    status,
    html: `<!doctype html><meta charset="utf-8"><title>Capture report</title><p>${escapeHtml(message)}</p>\n`,
  };
}

export async function captureReportAnswer(
  ctx: Pick<OpsContext, "store" | "links" | "now">,
  id: string | undefined,
  readBlob: (blobUrl: string) => Promise<string>,
): Promise<HtmlAnswer> {
  const instanceId = parseInstanceId(id);
  if (!instanceId.ok) return problem(400, instanceId.message);
  const found = await guarded(async () => {
    const status = await ctx.store.get(instanceId.value);
    if (!status || status.name !== OrchestratorNames.capture)
      return {
        status: 404,
        body: `no capture instance '${instanceId.value}' (never started, or purged)`,
      };
    return { status: 200, body: captureRow(status, ctx.links, ctx.now) };
  });
  // guarded() answers 503 with { error } when the task hub is unreachable.
  if (found.status !== 200) {
    const body = found.body as string | { error: string };
    return {
      ...problem(found.status, typeof body === "string" ? body : body.error),
      headers: found.headers,
    };
  }
  const row = found.body as ReturnType<typeof captureRow>;
  const summaryUrl = row.links.summary;
  if (!summaryUrl)
    return problem(
      404,
      `capture '${instanceId.value}' (${row.runtimeStatus}) has no summary to report on`,
    );
  let json: string;
  try {
    json = await readBlob(summaryUrl);
  } catch (cause) {
    const detail = (cause instanceof Error ? cause.message : String(cause)).split("\n")[0];
    return problem(502, `the summary could not be read from storage: ${detail}`);
  }
  const summary = parseSummary(json);
  if (!summary.ok) return problem(502, summary.message);
  return {
    status: 200,
    html: renderCaptureReport(summary.value, {
      instanceId: instanceId.value,
      vm: row.target?.name,
      rule: row.alert?.rule,
      firedAt: row.alert?.firedAt,
    }),
  };
}
