// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * A real impaired network path between two emulated VMs: each VM gets its own network namespace,
 * joined to a routing "path" namespace by a veth pair; the path forwards (IP forwarding on) and
 * its nftables forward chain drops a configured share of TCP/UDP packets per direction
 * (`numgen random mod 100 < N drop` — these kernels have no netem). Captures then run inside
 * each VM's namespace through the emulator's inventory (VM → namespace + interface).
 *
 * Everything is named from `prefix`, so parallel runs never meet; `remove()` deletes the three
 * namespaces (which takes the veths and the ruleset with them) and is safe to call twice.
 */
import { execFileSync } from "node:child_process";

export interface ImpairedPathOptions {
  /** 1–9 characters, [a-z0-9]: namespaces and interfaces are named from it. */
  prefix: string;
  /** Percent (0–100) of TCP/UDP packets A→B and B→A the path drops. */
  dropPercentAtoB: number;
  dropPercentBtoA: number;
}

export interface PathEnd {
  netns: string;
  /** The VM's interface inside its namespace (what the capture listens on). */
  interface: string;
  address: string;
}

export interface ImpairedPath {
  a: PathEnd;
  b: PathEnd;
  pathNetns: string;
  /** Packets the path's drop rules have dropped so far (nftables counters). */
  dropped(): { aToB: number; bToA: number };
  /** Runs a command inside an end's namespace. */
  exec(end: "a" | "b", command: string[]): string;
  remove(): void;
}

const SUBNET_A = "10.77.1";
const SUBNET_B = "10.77.2";

function sh(args: string[], input?: string): string {
  return execFileSync(args[0]!, args.slice(1), {
    encoding: "utf8",
    input,
    stdio: ["pipe", "pipe", "pipe"],
    timeout: 15_000,
  });
}

function percent(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 100)
    throw new RangeError(`${name} must be an integer percent 0–100, got ${value}`);
  return value;
}

export function createImpairedPath(options: ImpairedPathOptions): ImpairedPath {
  if (!/^[a-z0-9]{1,9}$/.test(options.prefix))
    throw new RangeError(`prefix must be 1–9 of [a-z0-9], got '${options.prefix}'`);
  const p = options.prefix;
  const atoB = percent(options.dropPercentAtoB, "dropPercentAtoB");
  const btoA = percent(options.dropPercentBtoA, "dropPercentBtoA");
  const a: PathEnd = { netns: `${p}-vma`, interface: `${p}va`, address: `${SUBNET_A}.2` };
  const b: PathEnd = { netns: `${p}-vmb`, interface: `${p}vb`, address: `${SUBNET_B}.2` };
  const pathNetns = `${p}-path`;
  const toA = `${p}pa`;
  const toB = `${p}pb`;
  const remove = (): void => {
    for (const ns of [a.netns, b.netns, pathNetns]) {
      try {
        sh(["ip", "netns", "del", ns]);
      } catch {
        // already gone
      }
    }
  };
  try {
    for (const ns of [a.netns, b.netns, pathNetns]) {
      sh(["ip", "netns", "add", ns]);
      sh(["ip", "-n", ns, "link", "set", "lo", "up"]);
    }
    for (const [end, peer, subnet] of [
      [a, toA, SUBNET_A],
      [b, toB, SUBNET_B],
    ] as const) {
      sh([
        "ip",
        "link",
        "add",
        end.interface,
        "netns",
        end.netns,
        "type",
        "veth",
        "peer",
        "name",
        peer,
        "netns",
        pathNetns,
      ]);
      sh(["ip", "-n", end.netns, "addr", "add", `${end.address}/24`, "dev", end.interface]);
      sh(["ip", "-n", end.netns, "link", "set", end.interface, "up"]);
      sh(["ip", "-n", end.netns, "route", "add", "default", "via", `${subnet}.1`]);
      sh(["ip", "-n", pathNetns, "addr", "add", `${subnet}.1/24`, "dev", peer]);
      sh(["ip", "-n", pathNetns, "link", "set", peer, "up"]);
    }
    sh(["ip", "netns", "exec", pathNetns, "sysctl", "-qw", "net.ipv4.ip_forward=1"]);
    const ruleset = [
      "table inet impair {",
      "  chain forward {",
      "    type filter hook forward priority 0; policy accept;",
      `    iifname "${toA}" oifname "${toB}" meta l4proto { tcp, udp } numgen random mod 100 < ${atoB} counter drop`,
      `    iifname "${toB}" oifname "${toA}" meta l4proto { tcp, udp } numgen random mod 100 < ${btoA} counter drop`,
      "  }",
      "}",
    ].join("\n");
    sh(["ip", "netns", "exec", pathNetns, "nft", "-f", "-"], ruleset);
  } catch (error) {
    remove();
    throw error;
  }
  return {
    a,
    b,
    pathNetns,
    dropped() {
      const listed = JSON.parse(
        sh([
          "ip",
          "netns",
          "exec",
          pathNetns,
          "nft",
          "-j",
          "list",
          "chain",
          "inet",
          "impair",
          "forward",
        ]),
      ) as { nftables: Array<{ rule?: { expr: Array<{ counter?: { packets: number } }> } }> };
      const counters = listed.nftables
        .flatMap((item) => item.rule?.expr ?? [])
        .map((expr) => expr.counter?.packets)
        .filter((n): n is number => n !== undefined);
      return { aToB: counters[0] ?? 0, bToA: counters[1] ?? 0 };
    },
    exec(end, command) {
      return sh(["ip", "netns", "exec", (end === "a" ? a : b).netns, ...command]);
    },
    remove,
  };
}
