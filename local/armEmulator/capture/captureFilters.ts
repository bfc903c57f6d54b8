// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Network Watcher filter notation (spec `PacketCaptureFilter`): protocol `TCP|UDP|Any` (default Any);
 * addresses and ports as a single value, one `a-b` range, or a `;`-list (a trailing `;` is allowed).
 * The spec says multiple ranges and ranges mixed with lists are not supported, so both are rejected.
 */
import { isIP } from "node:net";
import { invalidParameter } from "../armHttp";
import { ipToBigInt } from "./ipRange";

export type Protocol = "TCP" | "UDP" | "Any";
export type AddressSet =
  { kind: "list"; addresses: string[] } | { kind: "range"; from: string; to: string };
export type PortSet =
  { kind: "list"; ports: number[] } | { kind: "range"; from: number; to: number };

export interface CaptureFilter {
  protocol: Protocol;
  localAddress?: AddressSet;
  remoteAddress?: AddressSet;
  localPort?: PortSet;
  remotePort?: PortSet;
}

/** The filter as it is echoed back on GET: the caller's strings, protocol defaulted. */
export interface CaptureFilterWire {
  protocol: Protocol;
  localIPAddress?: string;
  remoteIPAddress?: string;
  localPort?: string;
  remotePort?: string;
}

const PROTOCOLS: readonly Protocol[] = ["TCP", "UDP", "Any"];

export function parseFilters(
  value: unknown,
  path: string,
): { wire: CaptureFilterWire[]; filters: CaptureFilter[] } {
  if (value === undefined || value === null) return { wire: [], filters: [] };
  if (!Array.isArray(value)) throw invalidParameter(`${path} must be an array.`);
  const wire: CaptureFilterWire[] = [];
  const filters: CaptureFilter[] = [];
  value.forEach((item: unknown, i) => {
    const at = `${path}[${i}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item))
      throw invalidParameter(`${at} must be an object.`);
    const raw = item as Record<string, unknown>;
    const protocol = raw["protocol"] ?? "Any";
    if (!PROTOCOLS.includes(protocol as Protocol))
      throw invalidParameter(`${at}.protocol must be one of TCP, UDP, Any.`);
    const w: CaptureFilterWire = { protocol: protocol as Protocol };
    const f: CaptureFilter = { protocol: protocol as Protocol };
    const localIp = optionalString(raw, "localIPAddress", at);
    const remoteIp = optionalString(raw, "remoteIPAddress", at);
    const localPort = optionalString(raw, "localPort", at);
    const remotePort = optionalString(raw, "remotePort", at);
    if (localIp !== undefined)
      [w.localIPAddress, f.localAddress] = [
        localIp,
        parseAddresses(localIp, `${at}.localIPAddress`),
      ];
    if (remoteIp !== undefined)
      [w.remoteIPAddress, f.remoteAddress] = [
        remoteIp,
        parseAddresses(remoteIp, `${at}.remoteIPAddress`),
      ];
    if (localPort !== undefined)
      [w.localPort, f.localPort] = [localPort, parsePorts(localPort, `${at}.localPort`)];
    if (remotePort !== undefined)
      [w.remotePort, f.remotePort] = [remotePort, parsePorts(remotePort, `${at}.remotePort`)];
    wire.push(w);
    filters.push(f);
  });
  return { wire, filters };
}

/** Empty strings mean "not set", as in the service's own GET output. */
function optionalString(raw: Record<string, unknown>, key: string, at: string): string | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw invalidParameter(`${at}.${key} must be a string.`);
  return v.trim() === "" ? undefined : v.trim();
}

export function parseAddresses(text: string, at: string): AddressSet {
  const { range, list } = splitNotation(text, at);
  if (range) {
    const [from, to] = range;
    if (!isIP(from) || !isIP(to) || isIP(from) !== isIP(to))
      throw invalidParameter(`${at}: '${text}' is not an address range of one IP family.`);
    if (ipToBigInt(from) > ipToBigInt(to))
      throw invalidParameter(`${at}: range '${text}' ends before it starts.`);
    return { kind: "range", from, to };
  }
  for (const a of list) if (!isIP(a)) throw invalidParameter(`${at}: '${a}' is not an IP address.`);
  return { kind: "list", addresses: list };
}

export function parsePorts(text: string, at: string): PortSet {
  const { range, list } = splitNotation(text, at);
  if (range) {
    const [from, to] = range.map((p) => parsePort(p, at)) as [number, number];
    if (from > to) throw invalidParameter(`${at}: range '${text}' ends before it starts.`);
    return { kind: "range", from, to };
  }
  return { kind: "list", ports: list.map((p) => parsePort(p, at)) };
}

function parsePort(text: string, at: string): number {
  const n = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 0 && n <= 65535))
    throw invalidParameter(`${at}: '${text}' is not a port number (0-65535).`);
  return n;
}

function splitNotation(text: string, at: string): { range?: [string, string]; list: string[] } {
  const list = text
    .split(";")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const ranges = list.filter((s) => s.includes("-"));
  if (ranges.length === 0) {
    if (list.length === 0) throw invalidParameter(`${at}: '${text}' names no value.`);
    return { list };
  }
  if (list.length > 1)
    throw invalidParameter(
      `${at}: multiple ranges, or ranges mixed with lists, are not supported ('${text}').`,
    );
  const bounds = (ranges[0] as string).split("-").map((s) => s.trim());
  if (bounds.length !== 2 || !bounds[0] || !bounds[1])
    throw invalidParameter(`${at}: '${text}' is not a range 'a-b'.`);
  return { range: [bounds[0], bounds[1]], list: [] };
}
