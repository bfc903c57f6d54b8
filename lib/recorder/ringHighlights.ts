/**
 * What the on-call reader sees first after a freeze: what was there before the alert, what
 * changed after it, in short lines such as "RST burst from 10.0.0.4:443 started 47 s before the
 * alert fired". Pure.
 */
import { formatBytes } from "../notify/notification";
import type { RingTimeline, WindowRate } from "./ringTimeline";

function relative(secondsBeforeFired: number): string {
  if (secondsBeforeFired === 0) return "as the alert fired";
  return secondsBeforeFired > 0
    ? `${secondsBeforeFired} s before the alert fired`
    : `${-secondsBeforeFired} s after the alert fired`;
}

function perSecond(w: WindowRate): { packets: number; bytes: number } {
  return w.seconds > 0
    ? { packets: w.packets / w.seconds, bytes: w.bytes / w.seconds }
    : { packets: 0, bytes: 0 };
}

function rateLine(t: RingTimeline): string {
  const before = perSecond(t.before);
  const after = perSecond(t.after);
  const change =
    before.packets > 0 ? ` (×${(after.packets / before.packets).toFixed(1)} packets/s)` : "";
  return `Rate in the ${t.before.seconds} s before the alert: ${before.packets.toFixed(1)} packets/s, ${formatBytes(Math.round(before.bytes))}/s; in the ${t.after.seconds} s after: ${after.packets.toFixed(1)} packets/s, ${formatBytes(Math.round(after.bytes))}/s${change}`;
}

export function ringHighlights(t: RingTimeline): string[] {
  const lines = [
    `Ring frozen: ${t.files} file(s), ${t.packets} packets, ${formatBytes(t.bytes)} from ${t.firstPacketTime ?? "—"} to ${t.lastPacketTime ?? "—"}; the alert fired at ${t.firedAt}`,
    rateLine(t),
  ];
  for (const b of t.bursts) {
    const what =
      b.kind === "rst"
        ? `RST burst from ${b.endpoint}`
        : `Retransmission burst towards ${b.endpoint}`;
    const unit = b.kind === "rst" ? "RST packets" : "retransmitted segments";
    lines.push(
      `${what} started ${relative(b.secondsBeforeFired)} (${b.startedAt}): ${b.count} ${unit} in ${b.conversations} ${b.protocol.toUpperCase()} connection(s)`,
    );
  }
  const fresh = t.newConversations;
  if (fresh.before + fresh.after > 0) {
    const biggest = fresh.biggestBefore
      .map((c) => `${c.name} started ${relative(c.secondsBeforeFired)}, ${formatBytes(c.bytes)}`)
      .join("; ");
    lines.push(
      `New conversations: ${fresh.before} began before the alert, ${fresh.after} after${biggest ? `; biggest before: ${biggest}` : ""}`,
    );
  }
  if (t.warnings.length) lines.push(`Capture problems (${t.warnings.length}): ${t.warnings[0]}`);
  return lines;
}
