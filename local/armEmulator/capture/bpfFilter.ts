// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Network Watcher filters → one tcpdump (BPF) expression.
 *
 * "Local" is the VM's side of a packet and "remote" the peer, in either direction. Each filter is
 * therefore translated into two oriented alternatives,
 *   (src ∈ local ∧ sport ∈ localPort ∧ dst ∈ remote ∧ dport ∈ remotePort)   — sent by the VM
 *   (dst ∈ local ∧ dport ∈ localPort ∧ src ∈ remote ∧ sport ∈ remotePort)   — received by the VM
 * which is exact on a real NIC and stays right on loopback, where both ends are local: a packet
 * matches whichever orientation fits it. Ranges become CIDR `net` blocks (IPv4 and IPv6), port
 * ranges `portrange`, `;`-lists an `or` of single values. Several filters are OR-ed, as the service
 * applies "multiple filters". An empty result means "capture everything".
 */
import type { AddressSet, CaptureFilter, PortSet } from "./captureFilters";
import { rangeToCidrs } from "./ipRange";

type Direction = "src" | "dst";

export function toBpf(filters: readonly CaptureFilter[]): string {
  const expressions = filters.map(filterExpression);
  if (expressions.length === 0 || expressions.includes("")) return "";
  return expressions.length === 1
    ? (expressions[0] as string)
    : expressions.map((e) => `(${e})`).join(" or ");
}

function filterExpression(f: CaptureFilter): string {
  const protocol = f.protocol === "TCP" ? "tcp" : f.protocol === "UDP" ? "udp" : undefined;
  const sent = oriented(f, "src", "dst");
  const received = oriented(f, "dst", "src");
  const direction = sent.length === 0 ? undefined : `(${allOf(sent)} or ${allOf(received)})`;
  return [protocol, direction].filter((x) => x !== undefined).join(" and ");
}

function oriented(f: CaptureFilter, localSide: Direction, remoteSide: Direction): string[] {
  return [
    f.localAddress && addresses(f.localAddress, localSide),
    f.localPort && ports(f.localPort, localSide),
    f.remoteAddress && addresses(f.remoteAddress, remoteSide),
    f.remotePort && ports(f.remotePort, remoteSide),
  ].filter((x): x is string => x !== undefined);
}

function addresses(set: AddressSet, dir: Direction): string {
  const terms =
    set.kind === "list"
      ? set.addresses.map((a) => `${dir} host ${a}`)
      : rangeToCidrs(set.from, set.to).map((c) => `${dir} net ${c}`);
  return anyOf(terms);
}

function ports(set: PortSet, dir: Direction): string {
  return set.kind === "range"
    ? `${dir} portrange ${set.from}-${set.to}`
    : anyOf(set.ports.map((p) => `${dir} port ${p}`));
}

function anyOf(terms: string[]): string {
  return terms.length === 1 ? (terms[0] as string) : `(${terms.join(" or ")})`;
}

function allOf(terms: string[]): string {
  return terms.length === 1 ? (terms[0] as string) : `(${terms.join(" and ")})`;
}
