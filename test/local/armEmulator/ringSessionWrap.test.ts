// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * A ring's closed slot reaches storage as tcpdump closed it, even when its upload waits behind
 * others long enough for the ring to wrap and tcpdump to truncate and rewrite that slot's name
 * (a loaded machine, a slow storage account). Uploads are held here until the ring has wrapped.
 */
import { createSocket } from "node:dgram";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseCaptureRequest } from "../../../local/armEmulator/capture/captureRequest";
import type { CaptureBlobStore } from "../../../local/armEmulator/capture/captureStorage";
import { RingSession, ringPlanFor } from "../../../local/armEmulator/capture/ringSession";
import { captureOn, vmId } from "./support/emulatorFixture";

const PORT = 39_523;
const SLOT_BYTES = 1_000_000;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "ring-wrap-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function closedFiles(ringDir: string): Promise<number> {
  const text = await readFile(path.join(ringDir, "rotated.log"), "utf8").catch(() => "");
  return text.split("\n").filter(Boolean).length;
}

test("a closed slot is uploaded whole even when the ring wraps before its upload runs", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const uploads: Array<{ blobName: string; bytes: number }> = [];
  const blobStore = {
    async upload(blobName: string, file: string) {
      await held;
      uploads.push({ blobName, bytes: (await stat(file)).size });
    },
  } as unknown as CaptureBlobStore;
  const params = parseCaptureRequest({
    properties: captureOn(vmId("vm-wrap"), {
      continuousCapture: true,
      captureSettings: {
        fileCount: 2,
        fileSizeInBytes: SLOT_BYTES,
        sessionTimeLimitInSeconds: 120,
      },
      filters: [{ protocol: "UDP", localPort: String(PORT) }],
    }),
  });
  const plan = ringPlanFor(
    "ring-wrap",
    params,
    params.continuous!,
    { region: "westeurope", interface: "lo" },
    new Date(),
    dir,
  );
  const session = new RingSession(plan, { blobStore, log: () => undefined });
  await session.start();

  // Two slots: the third closed file is slot 0 again, so by then slot 1's name has been truncated
  // and is being rewritten. Bounded: 30 MB, 15 rings' worth.
  const socket = createSocket("udp4");
  const payload = Buffer.alloc(1000, "w");
  try {
    for (let batch = 0; batch < 30_000 && (await closedFiles(plan.dir)) < 3; batch++) {
      for (let i = 0; i < 50; i++) socket.send(payload, PORT, "127.0.0.1");
      await sleep(5);
    }
  } finally {
    socket.close();
  }
  expect(await closedFiles(plan.dir)).toBeGreaterThanOrEqual(3);
  // The session picks rotations up every 200 ms: let it queue them while uploads are held.
  await sleep(500);
  const rotated = await closedFiles(plan.dir);
  release();
  await session.stop("Manual");

  // The closed files were queued first, in order; the slot being written at the stop comes after.
  const closed = uploads.slice(0, rotated);
  expect(closed).toHaveLength(rotated);
  for (const upload of closed) expect(upload.bytes).toBeGreaterThan(SLOT_BYTES);
  expect(new Set(closed.map((u) => path.basename(u.blobName)))).toEqual(
    new Set(["0.cap", "1.cap"]),
  );
}, 60_000);
