/**
 * The capture's timeline as inline SVG (no script, no CDN): packets and bytes per second as two
 * lines on their own scales, RSTs and retransmissions marked above them, and the alert's fired
 * time as a vertical line. Every value goes through the html`` tag, so nothing can inject markup.
 */
import { html, type Markup } from "../ops/html";
import type { Timeline } from "../pcap";
import { byteSize, count } from "../pcap/textFormat";

const WIDTH = 960;
const HEIGHT = 260;
const LEFT = 72;
const RIGHT = 84;
const TOP = 34;
const BOTTOM = 34;
const PLOT_WIDTH = WIDTH - LEFT - RIGHT;
const PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;

/** Points of a polyline: one per bucket, at its centre, scaled to the plot's height. */
export function seriesPoints(values: number[], bucketX: (i: number) => number): string {
  const max = Math.max(1e-9, ...values);
  return values
    .map((v, i) => `${bucketX(i).toFixed(1)},${(TOP + PLOT_HEIGHT * (1 - v / max)).toFixed(1)}`)
    .join(" ");
}

function clock(epochSeconds: number): string {
  const ms = epochSeconds * 1000;
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString().slice(11, 19) : "?";
}

/** The chart, or a note when the capture has no timestamped packet. `firedAt` is ISO 8601. */
export function timelineChart(t: Timeline, firedAt?: string): Markup {
  const n = t.packets.length;
  if (t.startEpochSeconds === null || n === 0)
    return html`<p class="empty">No timestamped packets: nothing to chart.</p>`;
  const start = t.startEpochSeconds;
  const span = n * t.bucketSeconds;
  const timeX = (epoch: number) => LEFT + ((epoch - start) / span) * PLOT_WIDTH;
  const bucketX = (i: number) => timeX(start + (i + 0.5) * t.bucketSeconds);
  const perSecond = (values: number[]) => values.map((v) => v / t.bucketSeconds);
  const packets = perSecond(t.packets);
  const bytes = perSecond(t.bytes);
  const maxPackets = Math.max(0, ...packets);
  const maxBytes = Math.max(0, ...bytes);
  const marks = (values: number[] | undefined, y: number, cls: string, what: string) =>
    (values ?? []).flatMap((v, i) =>
      v > 0
        ? [
            html`<rect class="${cls}" x="${(bucketX(i) - 3).toFixed(1)}" y="${y}" width="6" height="8"><title>${count(v)} ${what} at ${clock(start + i * t.bucketSeconds)}</title></rect>`,
          ]
        : [],
    );
  const fired = firedAt === undefined ? NaN : Date.parse(firedAt) / 1000;
  const firedX = timeX(fired);
  const firedLine =
    Number.isFinite(fired) && firedX >= LEFT && firedX <= LEFT + PLOT_WIDTH
      ? html`<line class="fired" x1="${firedX.toFixed(1)}" x2="${firedX.toFixed(1)}" y1="${TOP - 24}" y2="${TOP + PLOT_HEIGHT}"><title>alert fired ${firedAt}</title></line><text class="fired-label" x="${(firedX + 4).toFixed(1)}" y="${TOP - 16}">alert fired</text>`
      : "";
  const bottom = TOP + PLOT_HEIGHT;
  return html`<svg class="timeline" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-label="packets and bytes per second over the capture">
<rect class="plot" x="${LEFT}" y="${TOP}" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}"></rect>
<text class="axis packets" x="${LEFT - 6}" y="${TOP + 4}" text-anchor="end">${count(Math.round(maxPackets))} pkt/s</text>
<text class="axis packets" x="${LEFT - 6}" y="${bottom}" text-anchor="end">0</text>
<text class="axis bytes" x="${LEFT + PLOT_WIDTH + 6}" y="${TOP + 4}">${byteSize(Math.round(maxBytes))}/s</text>
<text class="axis bytes" x="${LEFT + PLOT_WIDTH + 6}" y="${bottom}">0</text>
<text class="axis" x="${LEFT}" y="${bottom + 18}">${clock(start)} UTC</text>
<text class="axis" x="${LEFT + PLOT_WIDTH}" y="${bottom + 18}" text-anchor="end">${clock(start + span)} UTC</text>
<text class="axis" x="${LEFT + PLOT_WIDTH / 2}" y="${bottom + 18}" text-anchor="middle">${t.bucketSeconds} s per point</text>
<polyline class="bytes" points="${seriesPoints(bytes, bucketX)}"></polyline>
<polyline class="packets" points="${seriesPoints(packets, bucketX)}"></polyline>
${marks(t.rst, TOP - 22, "rst", "RST")}${marks(t.retransmissions, TOP - 12, "retransmission", "retransmissions")}${firedLine}
</svg>
<p class="legend"><span class="key packets"></span>packets/s <span class="key bytes"></span>bytes/s <span class="key rst"></span>RST <span class="key retransmission"></span>retransmission <span class="key fired"></span>alert fired${firedAt && !firedLine ? html` (at ${firedAt}, outside the capture)` : ""}</p>`;
}
