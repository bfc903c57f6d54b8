import type { MailboxRef } from "../../lib/workflow/recorderContracts";
import { blobRecorderMailbox, mailboxPrefix } from "../../lib/workflow/recorderMailbox";
import {
  CONTAINER_URL,
  STORAGE_ACCOUNT_ID,
  fakeEnv,
  forbidden,
  type FakeWorld,
} from "../activities/support/fakeAzure";

const REF: MailboxRef = {
  instanceId: "recorder-web-1-0a1b2c3d",
  armedAt: "2026-01-01T02:00:00.000Z",
  storageAccountId: STORAGE_ACCOUNT_ID,
};
const DISARM = { kind: "disarm" as const, writtenAt: "2026-01-01T14:00:09.000Z" };
const PREFIX_URL = `${CONTAINER_URL}/${mailboxPrefix(REF)}`;

/** The mailbox blobs the world holds for REF's arming. */
function mailboxBlobs(world: FakeWorld) {
  return Object.entries(world.blobs ?? {}).filter(([url]) =>
    decodeURIComponent(url).startsWith(PREFIX_URL),
  );
}

describe("blobRecorderMailbox.post", () => {
  test("stores the request as an application/json blob under the arming's prefix", async () => {
    const world: FakeWorld = {};
    const { env } = fakeEnv(world);
    await blobRecorderMailbox(env.clients).post(REF, DISARM);
    const stored = mailboxBlobs(world);
    expect(stored).toHaveLength(1);
    const [url, blob] = stored[0]!;
    expect(decodeURIComponent(url)).toMatch(
      new RegExp(`^${PREFIX_URL}2026-01-01T14:00:09\\.000Z-disarm-[0-9a-f-]{36}\\.json$`),
    );
    expect(blob.contentType).toBe("application/json");
    expect(JSON.parse(blob.bytes.toString("utf8"))).toEqual(DISARM);
  });

  test("a container that does not exist yet is created, then the request is stored", async () => {
    const world: FakeWorld = { containerMissing: true };
    const { env, calls } = fakeEnv(world);
    await blobRecorderMailbox(env.clients).post(REF, DISARM);
    expect(calls.map((c) => c.split(" ")[0])).toEqual([
      "blockBlob.upload",
      "container.createIfNotExists",
      "blockBlob.upload",
    ]);
    const stored = mailboxBlobs(world);
    expect(stored).toHaveLength(1);
    expect(stored[0]![1].contentType).toBe("application/json");
    expect(await blobRecorderMailbox(env.clients).read(REF)).toEqual([DISARM]);
  });

  test("a refused upload is thrown as it came, without creating a container", async () => {
    const { env, calls } = fakeEnv({ failures: { "blockBlob.upload": forbidden() } });
    await expect(blobRecorderMailbox(env.clients).post(REF, DISARM)).rejects.toMatchObject({
      statusCode: 403,
    });
    expect(calls.map((c) => c.split(" ")[0])).toEqual(["blockBlob.upload"]);
  });
});

describe("blobRecorderMailbox.read", () => {
  test("a container that does not exist yet holds no request", async () => {
    const { env, calls } = fakeEnv({ containerMissing: true });
    expect(await blobRecorderMailbox(env.clients).read(REF)).toEqual([]);
    expect(calls.map((c) => c.split(" ")[0])).toEqual(["container.listBlobsFlat"]);
  });

  test("requests come back oldest first, whatever their blob names", async () => {
    const world: FakeWorld = {};
    const { env } = fakeEnv(world);
    const freeze = {
      kind: "freeze" as const,
      writtenAt: "2026-01-01T14:00:08.000Z",
      event: {
        firedAt: "2026-01-01T14:00:00.000Z",
        lookbackSeconds: 300,
        postTriggerSeconds: 30,
        alert: { schema: "common", ruleName: "freeze-web" },
      },
    };
    // Names sort the other way round (e.g. written by hand by ops): writtenAt decides the order.
    Object.assign(world.blobs!, {
      [`${PREFIX_URL}a.json`]: { bytes: Buffer.from(JSON.stringify(DISARM)) },
      [`${PREFIX_URL}b.json`]: { bytes: Buffer.from(JSON.stringify(freeze)) },
    });
    expect(await blobRecorderMailbox(env.clients).read(REF)).toEqual([freeze, DISARM]);
  });

  test("a refused listing is thrown as it came", async () => {
    const { env } = fakeEnv({ failures: { "container.listBlobsFlat": forbidden() } });
    await expect(blobRecorderMailbox(env.clients).read(REF)).rejects.toMatchObject({
      statusCode: 403,
    });
  });
});
