import { Readable } from "node:stream";
import { summarizeCapture, summaryPathFor } from "../../activities/summarizeCapture";
import type { ActivityEnv } from "../../lib/workflow/activity";
import { writePcap } from "../pcap/support/captureWriter";
import { TcpFlags, ethernet, ipv4, tcp } from "../pcap/support/packetBuilder";
import { forbidden, notFound } from "./support/fakeAzure";

const STORAGE_PATH = "https://caps.blob.core.windows.net/network-watcher-logs/vm/x.cap";

/** A client's 10.0.0.4 SYN to 10.0.0.9:443 answered by a reset, three times. */
function refusedCapture(): Buffer {
  const packets = [0, 1, 2].flatMap((i) => [
    { sport: 50000 + i, dport: 443, flags: TcpFlags.syn, src: "10.0.0.4", dst: "10.0.0.9" },
    {
      sport: 443,
      dport: 50000 + i,
      flags: TcpFlags.rst | TcpFlags.ack,
      src: "10.0.0.9",
      dst: "10.0.0.4",
    },
  ]);
  return writePcap(
    packets.map((p, i) => ({
      timeNs: 1_767_232_800_000_000_000n + BigInt(i) * 1_000_000n,
      data: ethernet(ipv4({ src: p.src, dst: p.dst, protocol: 6 }, tcp({ ...p, seq: 1 }))),
    })),
    { linkType: 1 },
  );
}

function env(
  capture: Buffer | Error,
  options: { maxBytes?: number; uploadError?: Error } = {},
): { env: ActivityEnv; uploads: Map<string, string> } {
  const uploads = new Map<string, string>();
  const blob = (url: string) => ({
    download: async () => {
      if (capture instanceof Error) throw capture;
      return { readableStreamBody: Readable.from([capture]) };
    },
    getBlockBlobClient: () => ({
      upload: async (body: string) => {
        if (options.uploadError) throw options.uploadError;
        uploads.set(url, body);
      },
    }),
  });
  return {
    uploads,
    env: {
      settings: { CAPTURE_SUMMARY_MAX_BYTES: options.maxBytes ?? 1 << 30 },
      log: () => undefined,
      clients: { blob },
    } as unknown as ActivityEnv,
  };
}

describe("summarizeCapture", () => {
  test("the summary lands beside the capture and its highlights name the refused connections", async () => {
    const bytes = refusedCapture();
    const { env: e, uploads } = env(bytes);
    const result = await summarizeCapture(
      { storagePath: STORAGE_PATH, sizeBytes: bytes.length },
      e,
    );
    const summaryPath = "https://caps.blob.core.windows.net/network-watcher-logs/vm/x.summary.json";
    expect(result).toMatchObject({ ok: true, value: { summaryPath } });
    const stored = JSON.parse(uploads.get(summaryPath) ?? "{}") as { packets: number };
    expect(stored.packets).toBe(6);
    const text = result.ok ? result.value.highlights.join("\n") : "";
    expect(text).toMatch(/10\.0\.0\.9/);
    expect(text).toMatch(/RST|reset|refused/i);
  });

  test("a capture over CAPTURE_SUMMARY_MAX_BYTES is not downloaded, and the reason says so", async () => {
    const { env: e, uploads } = env(new Error("must not download"), { maxBytes: 1000 });
    expect(await summarizeCapture({ storagePath: STORAGE_PATH, sizeBytes: 5000 }, e)).toEqual({
      ok: true,
      value: {
        highlights: [],
        skippedReason:
          "not summarized: the capture is 4.9 KiB, over the 1000 B limit (CAPTURE_SUMMARY_MAX_BYTES)",
      },
    });
    expect(uploads.size).toBe(0);
  });

  test.each([
    ["the blob vanished", notFound(), "BlobMissing"],
    ["the identity may not read it", forbidden(), "SummaryFailed"],
  ])("%s → permanent %s", async (_case, error, code) => {
    const { env: e } = env(error);
    expect(await summarizeCapture({ storagePath: STORAGE_PATH, sizeBytes: 100 }, e)).toMatchObject({
      ok: false,
      failure: { code },
    });
  });

  test.each([
    ["https://a.blob.core.windows.net/c/x.cap", "https://a.blob.core.windows.net/c/x.summary.json"],
    [
      "https://a.blob.core.windows.net/c/x.pcapng",
      "https://a.blob.core.windows.net/c/x.summary.json",
    ],
    ["https://a.blob.core.windows.net/c/X.CAP", "https://a.blob.core.windows.net/c/X.summary.json"],
    ["https://a.blob.core.windows.net/c/x", "https://a.blob.core.windows.net/c/x.summary.json"],
  ])("summary of %s is %s", (path, expected) => {
    expect(summaryPathFor(path)).toBe(expected);
  });
});
