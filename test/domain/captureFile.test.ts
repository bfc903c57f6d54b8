import { detectCaptureFormat } from "../../lib/domain/captureFile";

const bytes = (hex: string) => Buffer.from(hex, "hex");

describe("detectCaptureFormat", () => {
  test.each([
    ["d4c3b2a1", "pcap"], // microseconds, little-endian (what tcpdump writes on x86)
    ["a1b2c3d4", "pcap"], // microseconds, big-endian
    ["4d3cb2a1", "pcap"], // nanoseconds, little-endian
    ["a1b23c4d", "pcap"], // nanoseconds, big-endian
    ["0a0d0d0a", "pcapng"],
  ])("%s is %s", (hex, format) => {
    expect(detectCaptureFormat(bytes(`${hex}0200040000000000`))).toBe(format);
  });

  test("anything else, or too short, is not a capture", () => {
    expect(detectCaptureFormat(bytes("504b0304"))).toBeUndefined();
    expect(detectCaptureFormat(bytes("d4c3b2"))).toBeUndefined();
  });

  test("four bytes are enough to tell the format", () => {
    expect(detectCaptureFormat(bytes("d4c3b2a1"))).toBe("pcap");
  });
});
