import type { ConversationStat } from "./types";

/** Shared wording for the Markdown report and the notification highlights. */

export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** "1 packet", "2 packets". */
export function counted(n: number, noun: string): string {
  return `${count(n)} ${noun}${n === 1 ? "" : "s"}`;
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

export function byteSize(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

export function seconds(s: number): string {
  if (s < 1) return `${(s * 1000).toFixed(1)} ms`;
  if (s < 120) return `${s.toFixed(2)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : "0%";
}

export function endpoint(address: string, port: number | null): string {
  if (port === null) return address;
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

/** "TCP 10.0.0.1:40000 ↔ 10.0.0.2:80" — A (the side that spoke first) on the left. */
export function conversationName(c: ConversationStat, arrow = "↔"): string {
  return `${c.protocol.toUpperCase()} ${endpoint(c.addressA, c.portA)} ${arrow} ${endpoint(c.addressB, c.portB)}`;
}
