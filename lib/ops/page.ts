/**
 * The ops page: recent captures with status, progress, links to the .cap and its summary, and a
 * re-run button for failed ones. One self-contained document (inline CSS and a little inline JS,
 * nothing fetched from elsewhere), served with a nonce-only Content-Security-Policy so that even
 * a missed escape could not run a script. It carries no key anywhere: the person is signed in
 * through App Service Authentication, and its links and re-run calls go to the signed-in ops
 * routes (`opsPath`, `/api/ops/web`); re-runs add the `x-ops-page` header that a cross-site
 * request cannot send. Links to storage are reached through our redirect, and the referrer is
 * suppressed.
 */
import type { CaptureRow } from "./captureView";
import { html, Markup, safeHref } from "./html";
import type { CaptureList } from "./operations";
import { PAGE_REQUEST_HEADER } from "./access";
import { RERUNNABLE } from "./queries";

export interface PageInput {
  list: CaptureList;
  /** The signed-in ops routes' base path (`/api/ops/web`), for links and the script's re-run calls. */
  opsPath: string;
  /** Who is signed in, shown in the header. */
  signedInAs: string;
  /** The filter as asked, to keep it in the form and the next-page link. */
  filter: { status?: string; target?: string; since?: string; until?: string; top?: string };
  generatedAt: Date;
  nonce: string;
}

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Headers that keep the page's URL and content out of referrers and caches, and forbid framing. */
export function pageHeaders(nonce: string): Record<string, string> {
  return {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": contentSecurityPolicy(nonce),
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
  };
}

/** Constant markup (raw-text elements are not entity-decoded, so these must not be escaped). */
const STYLE = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #fff; }
header { padding: 16px 24px 8px; background: var(--bg); border-bottom: 1px solid var(--line); }
h1 { margin: 0 0 4px; font-size: 20px; }
.meta, .sub { color: var(--muted); font-size: 12px; }
form { display: flex; gap: 8px; flex-wrap: wrap; margin: 10px 0 6px; align-items: end; }
label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
input, select, button { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
button { cursor: pointer; background: #0969da; color: #fff; border-color: #0969da; }
button:disabled { background: #8c959f; border-color: #8c959f; cursor: default; }
main { padding: 12px 24px 24px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 8px; border-bottom: 1px solid var(--line); }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
tbody tr:hover { background: var(--bg); }
.vm { font-weight: 600; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; background: #59636e; }
.badge.Completed { background: #1a7f37; } .badge.Failed { background: #cf222e; } .badge.Running { background: #0969da; }
.badge.Pending { background: #9a6700; } .badge.Terminated { background: #6e7781; }
.failure { color: #a40e26; max-width: 36em; }
progress { width: 8em; height: 10px; }
#notice { min-height: 1.4em; margin: 8px 0; color: #a40e26; }
#notice.ok { color: #1a7f37; }
.empty { padding: 24px; color: var(--muted); }
`;

/** Plain DOM, textContent only: nothing the server sends back is parsed as HTML. */
const SCRIPT = `
(() => {
  const opsPath = document.body.dataset.opsPath;
  const notice = document.getElementById("notice");
  const say = (text, ok) => { notice.textContent = text; notice.className = ok ? "ok" : ""; };
  for (const button of document.querySelectorAll("button.rerun")) {
    button.addEventListener("click", async () => {
      const id = button.dataset.instanceId;
      const row = button.closest("tr");
      button.disabled = true;
      button.textContent = "Re-running…";
      try {
        const response = await fetch(opsPath + "/captures/" + encodeURIComponent(id) + "/rerun", {
          method: "POST", credentials: "same-origin", headers: { "${PAGE_REQUEST_HEADER}": "1" },
        });
        const body = await response.json().catch(() => ({}));
        if (response.status === 202) {
          button.textContent = "Re-run started";
          const badge = row.querySelector(".badge");
          badge.textContent = "Pending";
          badge.className = "badge Pending";
          row.dataset.status = "Pending";
          say("Re-run started for " + id + ".", true);
        } else {
          button.disabled = false;
          button.textContent = "Re-run";
          say((body && body.error) || ("Re-run refused: HTTP " + response.status), false);
        }
      } catch (error) {
        button.disabled = false;
        button.textContent = "Re-run";
        say("Re-run failed: " + error, false);
      }
    });
  }
})();
`;

const STATUS_CHOICES = [
  "",
  "Failed",
  "Running",
  "Pending",
  "Completed",
  "Terminated",
  "Failed,Terminated",
];

function utc(iso: string | undefined): string {
  return iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "";
}

function progressCell(row: CaptureRow): Markup {
  const p = row.progress;
  const bar =
    p?.percent !== undefined
      ? html`<progress max="100" value="${p.percent}" title="${p.percent}% of the capture time"></progress> `
      : "";
  const polls = p?.polls
    ? html`<div class="sub">${p.polls} status ${p.polls === 1 ? "poll" : "polls"}${p.lastStatus ? html` · ${p.lastStatus}` : ""}</div>`
    : "";
  return html`${row.phase ?? ""}${bar ? html`<div>${bar}</div>` : ""}${polls}`;
}

function resultCell(row: CaptureRow): Markup {
  if (row.failure) return html`<div class="failure">${row.failure}</div>`;
  const size =
    row.sizeBytes !== undefined
      ? html`<div class="sub">${row.sizeBytes.toLocaleString("en")} bytes</div>`
      : "";
  return html`${row.outcome ?? ""}${size}`;
}

/** Our own signed-in routes only: the durable status URL would need the system key. */
function filesCell(row: CaptureRow, opsPath: string): Markup {
  const links = row.links;
  const link = (url: string | undefined, label: string, className = "") => {
    const href = safeHref(url);
    return href
      ? html`<a href="${href}"${className ? html` class="${className}"` : ""}>${label}</a> `
      : "";
  };
  const path = (url: string | undefined) => (url ? new URL(url).pathname : undefined);
  return html`${link(path(links.captureDownload), ".cap")}${link(path(links.summaryDownload), "summary")}${link(path(links.report), "report")}${link(`${opsPath}/captures/${encodeURIComponent(row.instanceId)}`, "details", "sub")}`;
}

function captureRowHtml(row: CaptureRow, opsPath: string): Markup {
  const target = row.target;
  const alert = row.alert;
  const rerunnable = (RERUNNABLE as readonly string[]).includes(row.runtimeStatus);
  return html`<tr data-instance-id="${row.instanceId}" data-status="${row.runtimeStatus}">
<td><span class="badge ${row.runtimeStatus}">${row.runtimeStatus}</span></td>
<td><div class="vm">${target?.name ?? "?"}</div><div class="sub">${target?.resourceGroup ?? ""}</div><div class="sub">${row.instanceId}</div></td>
<td>${alert?.rule ?? ""}${alert?.severity ? html`<div class="sub">${alert.severity}</div>` : ""}</td>
<td><time datetime="${row.createdTime}">${utc(row.createdTime)}</time></td>
<td>${progressCell(row)}</td>
<td>${resultCell(row)}</td>
<td>${filesCell(row, opsPath)}</td>
<td>${rerunnable ? html`<button type="button" class="rerun" data-instance-id="${row.instanceId}">Re-run</button>` : ""}</td>
</tr>`;
}

function filterForm(filter: PageInput["filter"]): Markup {
  const options = STATUS_CHOICES.map(
    (s) =>
      html`<option value="${s}"${(filter.status ?? "") === s ? html` selected` : ""}>${s || "any"}</option>`,
  );
  return html`<form id="filter" method="get">
<label>Status<select name="status">${options}</select></label>
<label>Target (VM name or ARM ID)<input name="target" value="${filter.target ?? ""}" size="28"></label>
<label>Since<input name="since" value="${filter.since ?? ""}" placeholder="7d" size="8"></label>
<button type="submit">Show</button>
</form>`;
}

function nextPageLink(input: PageInput): Markup | "" {
  const token = input.list.continuationToken;
  if (!token) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(input.filter)) if (value) params.set(key, value);
  params.set("continuationToken", token);
  // Relative to the page itself, like the filter form.
  return html`<p><a href="${`?${params.toString()}`}">Older captures →</a></p>`;
}

export function renderOpsPage(input: PageInput): string {
  const { list } = input;
  const rows = list.items.map((row) => captureRowHtml(row, input.opsPath));
  const table = rows.length
    ? html`<table>
<thead><tr><th>Status</th><th>Target</th><th>Alert</th><th>Created (UTC)</th><th>Progress</th><th>Result</th><th>Files</th><th></th></tr></thead>
<tbody>${rows}</tbody>
</table>`
    : html`<p class="empty">No captures match.</p>`;
  const doc = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Packet captures · ops</title>
<style nonce="${input.nonce}">${new Markup(STYLE)}</style>
</head>
<body data-ops-path="${input.opsPath}">
<header>
<h1>Packet captures</h1>
<div class="meta">${list.items.length} shown of ${list.matched} created since ${utc(list.window.since)}${list.window.until ? html` until ${utc(list.window.until)}` : ""} · generated ${utc(input.generatedAt.toISOString())} · signed in as ${input.signedInAs}</div>
${filterForm(input.filter)}
</header>
<main>
<p id="notice" role="status"></p>
${table}
${nextPageLink(input)}
</main>
<script nonce="${input.nonce}">${new Markup(SCRIPT)}</script>
</body>
</html>
`;
  return doc.text;
}
