import { compareCaptures } from "../../activities/compareCaptures";
import type { CompareCapturesInput } from "../../lib/workflow/groupContracts";
import { writePcap, type CapturedPacket } from "../pcap/support/captureWriter";
import { ethernet, ipv4, udp } from "../pcap/support/packetBuilder";
import { CONTAINER_URL, fakeEnv, forbidden, notFound, unavailable } from "./support/fakeAzure";
import type { FakeWorld } from "./support/fakeAzure";

const WEB = `${CONTAINER_URL}/web-1.cap`;
const DB = `${CONTAINER_URL}/db-1.cap`;
const START_NS = BigInt(Date.parse("2026-01-01T02:00:00.000Z")) * 1_000_000n;
const LOST = new Set([4, 9, 14]);

/**
 * web-1 (10.1.0.4) sends 20 datagrams to db-1 (10.2.0.4), one each 10 ms, of which 4, 9 and 14
 * never arrive; db-1 answers each one that did, and every answer arrives. 5 ms one way.
 */
function ends(): { web: Buffer; db: Buffer } {
  const web: CapturedPacket[] = [];
  const db: CapturedPacket[] = [];
  const datagram = (src: string, dst: string, id: number) =>
    ethernet(ipv4({ src, dst, protocol: 17, id }, udp(5000, 6000, Buffer.alloc(100, id))));
  for (let i = 0; i < 20; i++) {
    const sent = START_NS + BigInt(i) * 10_000_000n;
    const request = datagram("10.1.0.4", "10.2.0.4", 100 + i);
    web.push({ timeNs: sent, data: request });
    if (LOST.has(i)) continue;
    db.push({ timeNs: sent + 5_000_000n, data: request });
    const answer = datagram("10.2.0.4", "10.1.0.4", 500 + i);
    db.push({ timeNs: sent + 6_000_000n, data: answer });
    web.push({ timeNs: sent + 11_000_000n, data: answer });
  }
  web.sort((x, y) => Number(x.timeNs - y.timeNs));
  return { web: writePcap(web, { linkType: 1 }), db: writePcap(db, { linkType: 1 }) };
}

const blobOf = (url: string) => ({ storagePath: url, sizeBytes: 1, format: "pcap" as const });
const INPUT: CompareCapturesInput = {
  a: { name: "web-1", blob: blobOf(WEB) },
  b: { name: "db-1", blob: blobOf(DB) },
};

function world(extra: FakeWorld = {}): FakeWorld {
  const { web, db } = ends();
  return { blobs: { [WEB]: { bytes: web }, [DB]: { bytes: db } }, ...extra };
}

describe("compareCaptures", () => {
  test("the loss between two members is counted per direction and named with their VM names", async () => {
    const { env } = fakeEnv(world());
    expect(await compareCaptures(INPUT, env)).toEqual({
      ok: true,
      value: {
        a: "web-1",
        b: "db-1",
        verdict:
          "web-1→db-1: 3 of 20 packets (15.0 %) left web-1 and never reached db-1, between 02:00:00 and 02:00:01 UTC; db-1→web-1: none lost (17 packets); one-way delay web-1→db-1 p50 5.0 ms, db-1→web-1 p50 5.0 ms",
        details: [
          "clock of db-1 is +0.0 ms from web-1 (offset = (min(t_B − t_A) over A→B + max(t_B − t_A) over B→A) / 2, assuming the minimum one-way delay is the same both ways)",
        ],
        directions: [
          { from: "web-1", to: "db-1", sent: 20, lost: 3, lostShare: 0.15 },
          { from: "db-1", to: "web-1", sent: 17, lost: 0, lostShare: 0 },
        ],
      },
    });
  });

  test("swapping the members swaps every name, not the counts", async () => {
    const { env } = fakeEnv(world());
    const result = await compareCaptures({ a: INPUT.b, b: INPUT.a }, env);
    expect(result).toMatchObject({
      ok: true,
      value: {
        a: "db-1",
        b: "web-1",
        // The analysis orders directions by address, whichever member is "a".
        directions: [
          { from: "web-1", to: "db-1", sent: 20, lost: 3 },
          { from: "db-1", to: "web-1", sent: 17, lost: 0 },
        ],
      },
    });
    expect(result.ok && result.value.verdict).toMatch(/^db-1→web-1: none lost \(17 packets\); /);
  });

  test("a blob that is not a capture compares as no shared traffic, not a retry", async () => {
    const w = world();
    w.blobs![WEB] = { bytes: Buffer.from("this is not a capture file at all") };
    const { env } = fakeEnv(w);
    expect(await compareCaptures(INPUT, env)).toMatchObject({
      ok: true,
      value: {
        verdict: "no traffic between web-1 and db-1 was seen in both captures",
        directions: [],
      },
    });
  });

  test("storage answering without a body is a permanent NoBody", async () => {
    const w = world();
    w.blobs![DB]!.noBody = true;
    const { env } = fakeEnv(w);
    expect(await compareCaptures(INPUT, env)).toEqual({
      ok: false,
      failure: { code: "NoBody", message: "storage returned no body for a capture" },
    });
  });

  test.each<[string, string, FakeWorld, string | undefined]>([
    [
      "a member's blob is gone",
      "BlobMissing",
      { failures: { [`blob.download ${DB}`]: notFound() } },
      undefined,
    ],
    [
      "a member's blob may not be read",
      "CompareFailed",
      { failures: { [`blob.download ${WEB}`]: forbidden() } },
      "Check that the identity can read both capture blobs, then re-run the group.",
    ],
  ])("%s is a permanent %s", async (_case, code, extra, action) => {
    const { env } = fakeEnv(world(extra));
    const result = await compareCaptures(INPUT, env);
    expect(result).toMatchObject({ ok: false, failure: { code } });
    expect(result.ok === false && result.failure.action).toBe(action);
  });

  test("a member's blob in an account the settings do not allow is a permanent CompareFailed", async () => {
    const { env } = fakeEnv(world());
    const elsewhere = blobOf("https://elsewhere.blob.core.windows.net/network-watcher-logs/x.cap");
    expect(
      await compareCaptures({ ...INPUT, b: { name: "db-1", blob: elsewhere } }, env),
    ).toMatchObject({ ok: false, failure: { code: "CompareFailed" } });
  });

  test("storage unavailable is thrown for durable retries", async () => {
    const busy = unavailable();
    const { env } = fakeEnv(world({ failures: { [`blob.download ${DB}`]: busy } }));
    await expect(compareCaptures(INPUT, env)).rejects.toBe(busy);
  });
});
