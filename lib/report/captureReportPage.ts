/**
 * One capture's report as a self-contained HTML page, rendered from its summary JSON: overview,
 * timeline chart, the problems found with the Wireshark filter that shows each, top talkers and
 * conversations with bars, TCP health and the summary's warnings. Pure; escaped by default.
 */
import { html, Markup } from "../ops/html";
import type { CaptureSummary, ConversationStat, HostStat } from "../pcap";
import { byteSize, conversationName, count, endpoint, percent, seconds } from "../pcap/textFormat";
import { timelineChart } from "./timelineChart";
import { problems } from "./wiresharkFilters";

export interface ReportContext {
  instanceId: string;
  vm?: string;
  rule?: string;
  /** ISO 8601, drawn on the timeline. */
  firedAt?: string;
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;padding:0 16px;color:#1b1f24;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.sub{color:#57606a}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{font-weight:600;color:#57606a;font-size:12px;text-transform:uppercase}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.bar{background:#eaeef2;width:160px;height:10px;border-radius:2px}.bar>div{background:#0969da;height:10px;border-radius:2px}
.overview td:first-child{color:#57606a;width:220px}code{font:12px ui-monospace,monospace;background:#f6f8fa;padding:2px 4px;border-radius:3px;overflow-wrap:anywhere}
.timeline .plot{fill:#f6f8fa;stroke:#d0d7de}.timeline polyline{fill:none;stroke-width:1.5}
.timeline polyline.packets{stroke:#0969da}.timeline polyline.bytes{stroke:#8c959f;stroke-dasharray:4 3}
.timeline .rst{fill:#cf222e}.timeline .retransmission{fill:#bf8700}.timeline .fired{stroke:#8250df;stroke-width:2;stroke-dasharray:6 3}
.timeline text{font-size:11px;fill:#57606a}.timeline .fired-label{fill:#8250df}
.legend{font-size:12px;color:#57606a}.key{display:inline-block;width:14px;height:8px;margin:0 4px 0 12px;vertical-align:middle}
.key.packets{background:#0969da}.key.bytes{background:#8c959f}.key.rst{background:#cf222e}.key.retransmission{background:#bf8700}.key.fired{background:#8250df}
.warnings li{color:#9a6700}.empty{color:#57606a;font-style:italic}
`;

function bar(value: number, max: number): Markup {
  const width = max > 0 ? Math.max(1, Math.round((100 * value) / max)) : 0;
  return html`<div class="bar"><div style="width:${width}%"></div></div>`;
}

function hostTable(hosts: HostStat[]): Markup {
  if (hosts.length === 0) return html`<p class="empty">No IP hosts.</p>`;
  const max = Math.max(...hosts.map((h) => h.bytes));
  return html`<table><tr><th>Host</th><th>Bytes</th><th></th><th>Packets</th><th>Sent</th><th>Received</th></tr>${hosts.map(
    (h) =>
      html`<tr><td>${endpoint(h.address, null)}</td><td class="n">${byteSize(h.bytes)}</td><td>${bar(h.bytes, max)}</td><td class="n">${count(h.packets)}</td><td class="n">${byteSize(h.txBytes)}</td><td class="n">${byteSize(h.rxBytes)}</td></tr>`,
  )}</table>`;
}

function conversationTable(list: ConversationStat[]): Markup {
  if (list.length === 0) return html`<p class="empty">No conversations.</p>`;
  const max = Math.max(...list.map((c) => c.bytes));
  return html`<table><tr><th>Conversation (A ↔ B)</th><th>Bytes</th><th></th><th>Packets</th><th>A→B</th><th>B→A</th><th>Start</th><th>Duration</th></tr>${list.map(
    (c) =>
      html`<tr><td>${conversationName(c)}</td><td class="n">${byteSize(c.bytes)}</td><td>${bar(c.bytes, max)}</td><td class="n">${count(c.packets)}</td><td class="n">${byteSize(c.bytesAtoB)}</td><td class="n">${byteSize(c.bytesBtoA)}</td><td class="n">+${seconds(c.relativeStartSeconds)}</td><td class="n">${seconds(c.durationSeconds)}</td></tr>`,
  )}</table>`;
}

function tcpHealth(s: CaptureSummary): Markup {
  const h = s.tcpHealth;
  const tcpPackets = s.protocols.find((p) => p.name === "tcp")?.packets ?? 0;
  const rows: Array<[string, string]> = [
    ["SYN / SYN-ACK packets", `${count(h.synPackets)} / ${count(h.synAckPackets)}`],
    ["Connections with an unanswered SYN", count(h.unansweredSynConversations)],
    ["Connections refused (RST to SYN)", count(h.refusedConversations)],
    ["RST packets", count(h.rstPackets)],
    [
      "Retransmissions",
      `${count(h.retransmissions)} (${percent(h.retransmissions, tcpPackets)} of TCP)`,
    ],
    ["Out-of-order segments", count(h.outOfOrderSegments)],
    ["Zero-window advertisements", count(h.zeroWindowPackets)],
  ];
  return html`<table class="overview">${rows.map(([k, v]) => html`<tr><td>${k}</td><td>${v}</td></tr>`)}</table>`;
}

function problemList(s: CaptureSummary): Markup {
  const found = problems(s);
  if (found.length === 0) return html`<p class="empty">No TCP trouble found.</p>`;
  return html`<table><tr><th>Problem</th><th>Where</th><th>Wireshark display filter</th></tr>${found.map(
    (p) => html`<tr><td>${p.title}</td><td>${p.detail}</td><td><code>${p.filter}</code></td></tr>`,
  )}</table>`;
}

/** The whole page; `summary` should have been checked with parseSummary when it came from storage. */
export function renderCaptureReport(summary: CaptureSummary, context: ReportContext): string {
  const s = summary;
  const title = `Capture report: ${context.vm ?? context.instanceId}`;
  const overview: Array<[string, string]> = [
    ["Instance", context.instanceId],
    ["Alert", context.rule ?? "—"],
    ["Alert fired", context.firedAt ?? "—"],
    ["Format", s.notCapture ? `not a capture: ${s.notCapture}` : s.format],
    ["Packets", count(s.packets)],
    ["Bytes on the wire", `${byteSize(s.bytes)} (captured ${byteSize(s.capturedBytes)})`],
    ["First / last packet", `${s.firstPacketTime ?? "—"} / ${s.lastPacketTime ?? "—"}`],
    ["Duration", s.firstPacketTime === null ? "—" : seconds(s.durationSeconds)],
    ["Hosts / conversations", `${count(s.hostCount)} / ${count(s.conversationCount)}`],
  ];
  if (s.untracked.conversationPackets > 0)
    overview.push([
      "Beyond the conversation cap",
      `${count(s.untracked.conversationPackets)} packets in about ${count(s.untracked.conversations)} more conversations`,
    ]);
  const warnings =
    s.warnings.length === 0
      ? html`<p class="empty">None.</p>`
      : html`<ul class="warnings">${s.warnings.map((w) => html`<li>${w}</li>`)}</ul>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>${new Markup(STYLE)}</style></head>
<body>
<h1>${title}</h1>
<div class="sub">${context.rule ?? ""}${context.firedAt ? ` · fired ${context.firedAt}` : ""}</div>
<h2>Overview</h2>
<table class="overview">${overview.map(([k, v]) => html`<tr><td>${k}</td><td>${v}</td></tr>`)}</table>
<h2>Timeline</h2>
${timelineChart(s.timeline, context.firedAt)}
<h2>Problems and where to look in Wireshark</h2>
${problemList(s)}
<h2>Top talkers</h2>
${hostTable(s.topHostsByBytes)}
<h2>Top conversations</h2>
${conversationTable(s.topConversations)}
<h2>TCP health</h2>
${tcpHealth(s)}
<h2>Warnings</h2>
${warnings}
</body></html>
`.text;
}
