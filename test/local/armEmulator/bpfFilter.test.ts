// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/** Network Watcher filter notation → BPF: exact translations, and every translation accepted by tcpdump itself. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { toBpf } from "../../../local/armEmulator/capture/bpfFilter";
import { parseFilters } from "../../../local/armEmulator/capture/captureFilters";
import { rangeToCidrs } from "../../../local/armEmulator/capture/ipRange";

const run = promisify(execFile);
const bpf = (filters: unknown[]): string => toBpf(parseFilters(filters, "filters").filters);

test.each([
  ["no filters", [], ""],
  ["protocol only", [{ protocol: "UDP" }], "udp"],
  ["Any with nothing else captures everything", [{ protocol: "Any" }], ""],
  [
    "local port: VM side is the source when sending, the destination when receiving",
    [{ protocol: "TCP", localPort: "80" }],
    "tcp and (src port 80 or dst port 80)",
  ],
  [
    "local and remote address with a remote port list",
    [{ localIPAddress: "10.0.0.4", remoteIPAddress: "10.1.0.9", remotePort: "443;8443;" }],
    "((src host 10.0.0.4 and dst host 10.1.0.9 and (dst port 443 or dst port 8443)) or (dst host 10.0.0.4 and src host 10.1.0.9 and (src port 443 or src port 8443)))",
  ],
  [
    "a port range",
    [{ protocol: "TCP", remotePort: "1000-2000" }],
    "tcp and (dst portrange 1000-2000 or src portrange 1000-2000)",
  ],
  [
    "an address range becomes CIDR blocks",
    [{ remoteIPAddress: "10.0.0.1-10.0.0.6" }],
    "((dst net 10.0.0.1/32 or dst net 10.0.0.2/31 or dst net 10.0.0.4/31 or dst net 10.0.0.6/32) or (src net 10.0.0.1/32 or src net 10.0.0.2/31 or src net 10.0.0.4/31 or src net 10.0.0.6/32))",
  ],
  [
    "several filters are OR-ed",
    [{ protocol: "TCP" }, { protocol: "UDP", localPort: "53" }],
    "(tcp) or (udp and (src port 53 or dst port 53))",
  ],
  [
    "one catch-all filter among several captures everything",
    [{ protocol: "TCP", localPort: "22" }, { protocol: "Any" }],
    "",
  ],
])("%s", async (_what, filters, expected) => {
  const expression = bpf(filters);
  expect(expression).toBe(expected);
  // tcpdump -d compiles the expression without capturing: proof the syntax is valid BPF.
  await expect(
    run("tcpdump", ["-d", "-i", "lo", ...(expression ? [expression] : [])], { timeout: 10_000 }),
  ).resolves.toBeDefined();
});

test("IPv6 addresses and ranges compile too", async () => {
  const expression = bpf([
    { localIPAddress: "2001:db8::1;2001:db8::2", remoteIPAddress: "2001:db8:1::-2001:db8:1::ff" },
  ]);
  expect(expression).toContain("dst net 2001:db8:1:0:0:0:0:0/120");
  await expect(
    run("tcpdump", ["-d", "-i", "lo", expression], { timeout: 10_000 }),
  ).resolves.toBeDefined();
});

test.each([
  ["10.0.0.1-10.0.0.6", ["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"]],
  ["10.0.0.0-10.0.0.255", ["10.0.0.0/24"]],
  ["0.0.0.0-255.255.255.255", ["0.0.0.0/0"]],
  ["192.168.1.7-192.168.1.7", ["192.168.1.7/32"]],
  ["::-::1", ["0:0:0:0:0:0:0:0/127"]],
  ["::ffff:10.0.0.0-::ffff:10.0.0.3", ["0:0:0:0:0:ffff:a00:0/126"]],
])("range %s covers exactly %j", (range, cidrs) => {
  const [from = "", to = ""] = range.split("-");
  expect(rangeToCidrs(from, to)).toEqual(cidrs);
});

test.each([
  [{ localIPAddress: "10.0.0.1-10.0.0.5-10.0.0.9" }, /not a range/],
  [{ localIPAddress: "10.0.0.9-10.0.0.1" }, /ends before it starts/],
  [{ localIPAddress: "10.0.0.1-2001:db8::1" }, /one IP family/],
  [{ localIPAddress: "10.0.0.1-10.0.0.3;10.0.0.7-10.0.0.9" }, /multiple ranges/],
  [{ remoteIPAddress: "10.0.0.300" }, /not an IP address/],
  [{ localPort: "80,443" }, /not a port number/],
  [{ localPort: "443-80" }, /ends before it starts/],
  [{ localPort: ";" }, /names no value/],
  [{ protocol: "tcp" }, /protocol must be one of TCP, UDP, Any/],
])("rejects %j", (filter, message) => {
  expect(() => parseFilters([filter], "properties.filters")).toThrow(message);
});

test("empty strings mean unset, as in the service's own GET output", () => {
  const { wire, filters } = parseFilters(
    [{ protocol: "TCP", localIPAddress: "", localPort: "", remoteIPAddress: "", remotePort: "" }],
    "f",
  );
  expect(wire).toEqual([{ protocol: "TCP" }]);
  expect(toBpf(filters)).toBe("tcp");
});
