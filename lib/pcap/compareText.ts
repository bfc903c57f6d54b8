import type { CaptureComparison, DirectionReport } from "./compareTypes";
import { count } from "./textFormat";

/** How the two ends are called in text: VM names in a notification, "A"/"B" on the command line. */
export interface EndNames {
  a: string;
  b: string;
}

interface DirectionTotals {
  sent: number;
  lost: number;
  windows: DirectionReport["lossWindows"];
  p50: number | null;
  originalLost: number;
  spurious: number;
}

/**
 * The verdict a notification leads with, e.g. "web-1→db-1: 37 of 1,204 packets (3.1 %) left
 * web-1 and never reached db-1, between 14:02:10 and 14:02:14 UTC; db-1→web-1: none lost;
 * one-way delay web-1→db-1 p50 21 ms, db-1→web-1 p50 20 ms".
 */
export function comparisonVerdict(c: CaptureComparison, names: EndNames): string {
  if (c.flowsCompared === 0)
    return `no traffic between ${names.a} and ${names.b} was seen in both captures`;
  const ab = totals(c, "a");
  const ba = totals(c, "b");
  const parts = [lossPhrase(ab, names.a, names.b), lossPhrase(ba, names.b, names.a)];
  const delays = [
    ab.p50 === null ? "" : `${names.a}→${names.b} p50 ${milliseconds(ab.p50)}`,
    ba.p50 === null ? "" : `${names.b}→${names.a} p50 ${milliseconds(ba.p50)}`,
  ].filter(Boolean);
  if (delays.length > 0) parts.push(`one-way delay ${delays.join(", ")}`);
  return parts.join("; ");
}

/** Further lines: clock method and retransmission split per direction. */
export function comparisonDetails(c: CaptureComparison, names: EndNames): string[] {
  const lines: string[] = [];
  for (const [sender, from, to] of [
    ["a", names.a, names.b],
    ["b", names.b, names.a],
  ] as const) {
    const t = totals(c, sender);
    if (t.originalLost + t.spurious > 0)
      lines.push(
        `${from}→${to} retransmissions: ${count(t.originalLost)} after a loss on the path, ${count(t.spurious)} spurious (the original had arrived)`,
      );
  }
  const offset = c.clock.offsetSeconds;
  lines.push(
    c.clock.minimumDelaySeconds === null
      ? `clock offset not estimated: ${c.clock.method}`
      : `clock of ${names.b} is ${offset >= 0 ? "+" : "−"}${milliseconds(Math.abs(offset))} from ${names.a} (${c.clock.method})`,
  );
  return lines;
}

function totals(c: CaptureComparison, sender: "a" | "b"): DirectionTotals {
  const mine = c.directions.filter((d) => d.sender === sender);
  const main = mine.reduce<DirectionReport | undefined>(
    (best, d) => (best && best.sent >= d.sent ? best : d),
    undefined,
  );
  return {
    sent: sum(mine, (d) => d.sent),
    lost: sum(mine, (d) => d.lost),
    windows: mine.flatMap((d) => d.lossWindows).sort((x, y) => y.packets - x.packets),
    p50: main?.delay?.p50Seconds ?? null,
    originalLost: sum(mine, (d) => d.retransmissions.originalLost),
    spurious: sum(mine, (d) => d.retransmissions.spurious),
  };
}

function lossPhrase(t: DirectionTotals, from: string, to: string): string {
  if (t.sent === 0) return `${from}→${to}: nothing sent`;
  if (t.lost === 0) return `${from}→${to}: none lost (${count(t.sent)} packets)`;
  const share = ((100 * t.lost) / t.sent).toFixed(1);
  const window = t.windows[0];
  const when = window
    ? t.windows.length === 1
      ? `, between ${clockTime(window.start)} and ${clockTime(window.end)} UTC`
      : `, most between ${clockTime(window.start)} and ${clockTime(window.end)} UTC`
    : "";
  return `${from}→${to}: ${count(t.lost)} of ${count(t.sent)} packets (${share} %) left ${from} and never reached ${to}${when}`;
}

function clockTime(iso: string): string {
  return iso.slice(11, 19);
}

function milliseconds(seconds: number): string {
  const ms = seconds * 1000;
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

function sum<T>(items: T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0);
}
