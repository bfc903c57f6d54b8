// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Turns an address range into the minimal list of CIDR blocks covering exactly that range, so a
 * Network Watcher range filter becomes `net` primitives that work for IPv4 and IPv6 alike
 * (byte-offset comparisons such as `ip[12:4]` exist only for IPv4).
 */
import { isIPv4, isIPv6 } from "node:net";

export function ipToBigInt(ip: string): bigint {
  if (isIPv4(ip))
    return ip.split(".").reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
  if (isIPv6(ip))
    return ipv6Groups(ip).reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
  throw new Error(`not an IP address: ${ip}`);
}

export function rangeToCidrs(from: string, to: string): string[] {
  const bits = isIPv4(from) ? 32 : 128;
  let start = ipToBigInt(from);
  const end = ipToBigInt(to);
  const cidrs: string[] = [];
  // Each step takes the largest aligned block starting at `start` that does not pass `end`: at most 2*bits blocks.
  while (start <= end) {
    let size = 0;
    while (
      size < bits &&
      start % (1n << BigInt(size + 1)) === 0n &&
      start + (1n << BigInt(size + 1)) - 1n <= end
    )
      size++;
    cidrs.push(`${bigIntToIp(start, bits)}/${bits - size}`);
    start += 1n << BigInt(size);
  }
  return cidrs;
}

function bigIntToIp(value: bigint, bits: number): string {
  if (bits === 32)
    return [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 0xffn).toString()).join(".");
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n)
    groups.push(((value >> shift) & 0xffffn).toString(16));
  return groups.join(":");
}

/** Eight hex groups, expanding `::` and an embedded dotted IPv4 tail. */
function ipv6Groups(ip: string): string[] {
  let text = ip.split("%")[0] as string;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipToBigInt(dotted[1] as string);
    text =
      text.slice(0, dotted.index) + `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const fill =
    tail === undefined
      ? []
      : new Array<string>(8 - headGroups.length - tailGroups.length).fill("0");
  return [...headGroups, ...fill, ...tailGroups];
}
