import { ringSummaryPath, summarizeRing } from "../../activities/summarizeRing";
import type { RingTimeline } from "../../lib/recorder/ringTimeline";
import type { VerifiedRingFile } from "../../lib/workflow/recorderContracts";
import { writePcap } from "../pcap/support/captureWriter";
import { TcpFlags, ethernet, ipv4, tcp } from "../pcap/support/packetBuilder";
import {
  CONTAINER_URL,
  fakeEnv,
  forbidden,
  notFound,
  unavailable,
  type FakeWorld,
} from "./support/fakeAzure";

const STORAGE_PATH = `${CONTAINER_URL}/ring/packetcapture_02_00_00_000.cap`;
const FIRED_AT = "2026-01-01T02:00:15.000Z";
const SUMMARY_PATH = `${CONTAINER_URL}/ring/packetcapture_02_00_00_000.cap.freeze-20260101T020015000Z.json`;
const START_NS = BigInt(Date.parse("2026-01-01T02:00:00.000Z")) * 1_000_000n;

/** One 200-byte segment a second from 10.0.0.9 to 10.0.0.4:443, for seconds [from, to). */
function steadyFile(from: number, to: number): Buffer {
  const packets = [];
  for (let s = from; s < to; s++) {
    const segment = tcp({
      sport: 50000,
      dport: 443,
      seq: 1 + s * 200,
      ack: 1,
      flags: TcpFlags.ack,
      payload: Buffer.alloc(200),
    });
    packets.push({
      timeNs: START_NS + BigInt(s) * 1_000_000_000n,
      data: ethernet(ipv4({ src: "10.0.0.9", dst: "10.0.0.4", protocol: 6 }, segment)),
    });
  }
  return writePcap(packets, { linkType: 1 });
}

const fileAt = (slot: number, bytes: Buffer): VerifiedRingFile => ({
  url: `${CONTAINER_URL}/ring/packetcapture_02_00_00_000/${slot}.cap`,
  sizeBytes: bytes.length,
  lastModified: "2026-01-01T02:00:20.000Z",
  from: "2026-01-01T02:00:00.000Z",
  to: "2026-01-01T02:00:20.000Z",
  format: "pcap",
});

/** A ring of two files, seconds 0–9 and 10–19, the alert firing at second 15. */
function ring(extra: FakeWorld = {}): { world: FakeWorld; files: VerifiedRingFile[] } {
  const contents = [steadyFile(0, 10), steadyFile(10, 20)];
  const files = contents.map((bytes, slot) => fileAt(slot, bytes));
  const blobs = Object.fromEntries(files.map((f, i) => [f.url, { bytes: contents[i]! }]));
  return { world: { blobs, ...extra }, files };
}

const input = (files: VerifiedRingFile[]) => ({
  storagePath: STORAGE_PATH,
  files,
  firedAt: FIRED_AT,
});

describe("summarizeRing", () => {
  test("the kept files become one timeline around the fired time, stored beside the ring", async () => {
    const { world, files } = ring();
    const { env, calls } = fakeEnv(world);
    const result = await summarizeRing(input(files), env);
    expect(calls.filter((c) => c.startsWith("blob.download"))).toEqual(
      files.map((f) => `blob.download ${f.url}`),
    );
    const stored = world.blobs![SUMMARY_PATH]!;
    expect(stored.contentType).toBe("application/json");
    const json = JSON.parse(stored.bytes.toString()) as {
      timeline: RingTimeline;
      files: VerifiedRingFile[];
      summaries: Array<{ packets: number }>;
    };
    expect(json.files).toEqual(files);
    expect(json.summaries.map((s) => s.packets)).toEqual([10, 10]);
    expect(json.timeline).toMatchObject({
      files: 2,
      packets: 20,
      firedAt: FIRED_AT,
      firstPacketTime: "2026-01-01T02:00:00.000Z",
      lastPacketTime: "2026-01-01T02:00:19.000Z",
      // Seconds 0–14 before the alert, 15–19 after, across the file boundary at 10.
      before: { seconds: 15, packets: 15, bytes: 15 * 254 },
      after: { seconds: 4, packets: 5, bytes: 5 * 254 },
    });
    expect(result.ok && result.value.summaryPath).toBe(SUMMARY_PATH);
    expect(result.ok && result.value.highlights[0]).toBe(
      // 20 frames of 254 bytes: 5,080 B.
      `Ring frozen: 2 file(s), 20 packets, 5.0 KiB from 2026-01-01T02:00:00.000Z to 2026-01-01T02:00:19.000Z; the alert fired at ${FIRED_AT}`,
    );
  });

  test("kept files over CAPTURE_SUMMARY_MAX_BYTES are not downloaded, and the reason says so", async () => {
    const { world, files } = ring({ settings: { CAPTURE_SUMMARY_MAX_BYTES: 1000 } });
    const { env, calls } = fakeEnv(world);
    expect(await summarizeRing(input(files), env)).toEqual({
      ok: true,
      value: {
        highlights: [],
        // Two files of a 24-byte header and 10 records of 16 + 254 bytes: 5,448 B.
        skippedReason:
          "not summarized: the kept ring files hold 5.3 KiB, over the 1000 B limit (CAPTURE_SUMMARY_MAX_BYTES)",
      },
    });
    expect(calls).toEqual([]);
  });

  test("a file that turns out not to be a capture is summarized with its problem, not retried", async () => {
    const { world, files } = ring();
    world.blobs![files[1]!.url] = {
      bytes: Buffer.from("not a capture file at all, 40 bytes long"),
    };
    const { env } = fakeEnv(world);
    const result = await summarizeRing(input(files), env);
    expect(result.ok).toBe(true);
    expect(result.ok && result.value.highlights.at(-1)).toMatch(/^Capture problems \(1\): /);
  });

  test("storage answering without a body is a permanent NoBody naming the file", async () => {
    const { world, files } = ring();
    world.blobs![files[0]!.url]!.noBody = true;
    const { env } = fakeEnv(world);
    expect(await summarizeRing(input(files), env)).toEqual({
      ok: false,
      failure: {
        code: "NoBody",
        message:
          "storage returned no body for /network-watcher-logs/ring/packetcapture_02_00_00_000/0.cap",
      },
    });
  });

  test.each<[string, FakeWorld["failures"], string]>([
    ["a file the ring reused meanwhile", { "blob.download": notFound() }, "404 NotFound"],
    [
      "a file the identity may not read",
      { "blob.download": forbidden() },
      "403 AuthorizationFailed",
    ],
    [
      "a summary the identity may not write",
      { "blockBlob.upload": forbidden() },
      "403 AuthorizationFailed",
    ],
  ])("%s is a permanent SummaryFailed", async (_case, failures, status) => {
    const { world, files } = ring({ failures });
    const { env } = fakeEnv(world);
    expect(await summarizeRing(input(files), env)).toMatchObject({
      ok: false,
      failure: {
        code: "SummaryFailed",
        message: expect.stringMatching(new RegExp(`^${status}: `)),
        action: "Grant the identity Storage Blob Data Contributor to store the summary.",
      },
    });
  });

  test.each([
    ["reading a file", "blob.download"],
    ["storing the summary", "blockBlob.upload"],
  ])("storage unavailable while %s is thrown for durable retries", async (_case, method) => {
    const busy = unavailable();
    const { world, files } = ring({ failures: { [method]: busy } });
    const { env } = fakeEnv(world);
    await expect(summarizeRing(input(files), env)).rejects.toBe(busy);
  });

  test.each([
    ["a ring file name", STORAGE_PATH, "2026-01-01T02:00:15.000Z", SUMMARY_PATH],
    [
      "a folder with a SAS",
      `${CONTAINER_URL}/ring/folder/?sv=2024&sig=SECRET`,
      "2026-01-01T02:00:15Z",
      `${CONTAINER_URL}/ring/folder.freeze-20260101T020015Z.json`,
    ],
  ])(
    "the summary path of %s has no query and names the fired time",
    (_case, storagePath, firedAt, expected) => {
      expect(ringSummaryPath(storagePath, firedAt)).toBe(expected);
    },
  );
});
