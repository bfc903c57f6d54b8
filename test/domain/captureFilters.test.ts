/**
 * Network Watcher's filter notation, accepted and refused exactly: what an alert rule author may
 * write in `captureFilters` and the reason they get back when it is not something the agent takes.
 */
import {
  captureFiltersSchema,
  ipSpecProblem,
  portSpecProblem,
} from "../../lib/domain/captureFilters";

describe("IP address specs Network Watcher accepts", () => {
  test.each([
    "10.0.0.4",
    "0.0.0.0",
    "255.255.255.255",
    "10.0.0.1-10.0.0.9",
    "10.0.0.5-10.0.0.5",
    "10.0.0.1;10.0.0.2;",
    "10.0.0.1; 10.0.0.2",
    "2001:db8::1",
    "2001:db8::1-2001:db8::ff",
    "2001:db8::1;10.0.0.1",
    "  10.0.0.4  ",
    "",
  ])("%j is accepted", (spec) => {
    expect(ipSpecProblem(spec)).toBeUndefined();
  });

  test.each([
    ["10.0.0.256", '"10.0.0.256" is not an IP address'],
    ["host.example", '"host.example" is not an IP address'],
    ["10.0.0.9-10.0.0.1", "range start 10.0.0.9 is after its end 10.0.0.1"],
    ["10.0.0.1-10.0.0.5-10.0.0.9", "only one range a-b is supported"],
    ["10.0.0.1-10.0.0.5;10.0.0.7", "ranges and ;-lists cannot be mixed"],
    ["10.0.0.1-2001:db8::1", "range start 10.0.0.1 is after its end 2001:db8::1"],
    [";", '"" is not an IP address'],
    ["10.0.0.1;;10.0.0.2", '"" is not an IP address'],
  ])("%j is refused: %s", (spec, reason) => {
    expect(ipSpecProblem(spec)).toBe(reason);
  });

  test("IPv4 range order compares whole addresses, not text", () => {
    expect(ipSpecProblem("10.0.0.9-10.0.0.10")).toBeUndefined();
    expect(ipSpecProblem("9.255.255.255-10.0.0.0")).toBeUndefined();
    expect(ipSpecProblem("10.0.1.0-10.0.0.255")).toBe(
      "range start 10.0.1.0 is after its end 10.0.0.255",
    );
  });
});

describe("port specs Network Watcher accepts", () => {
  test.each([
    "0",
    "80",
    "443",
    "8443",
    "65535",
    "12345",
    "80-443",
    "443;8443;",
    "1-65535",
    "00080",
  ])("%j is accepted", (spec) => {
    expect(portSpecProblem(spec)).toBeUndefined();
  });

  test.each([
    ["65536", '"65536" is not a port (0-65535)'],
    ["123456", '"123456" is not a port (0-65535)'],
    ["-1", '"" is not a port (0-65535)'],
    ["http", '"http" is not a port (0-65535)'],
    ["443-80", "range start 443 is after its end 80"],
    ["9-10", undefined],
    ["80-90;100", "ranges and ;-lists cannot be mixed"],
  ])("%j → %s", (spec, reason) => {
    expect(portSpecProblem(spec)).toBe(reason);
  });
});

describe("the filter list", () => {
  test("a full filter of every field is accepted and kept as written", () => {
    const filters = [
      {
        protocol: "TCP",
        localIPAddress: "10.0.0.4",
        remoteIPAddress: "10.0.0.1-10.0.0.9",
        localPort: "443",
        remotePort: "1024-65535",
      },
      { protocol: "UDP", remoteIPAddress: "2001:db8::1;2001:db8::2" },
      { protocol: "Any" },
      {},
    ];
    expect(captureFiltersSchema.parse(filters)).toEqual(filters);
  });

  test("an unknown field, an unknown protocol and a 51st filter are refused", () => {
    expect(captureFiltersSchema.safeParse([{ protocol: "TCP", port: "80" }]).success).toBe(false);
    expect(captureFiltersSchema.safeParse([{ protocol: "ICMP" }]).success).toBe(false);
    expect(captureFiltersSchema.safeParse(Array.from({ length: 50 }, () => ({}))).success).toBe(
      true,
    );
    expect(captureFiltersSchema.safeParse(Array.from({ length: 51 }, () => ({}))).success).toBe(
      false,
    );
  });
});
