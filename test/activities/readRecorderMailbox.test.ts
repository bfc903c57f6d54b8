import { readRecorderMailbox } from "../../activities/readRecorderMailbox";
import { blobRecorderMailbox } from "../../lib/workflow/recorderMailbox";
import type { FreezeEvent, MailboxRef } from "../../lib/workflow/recorderContracts";
import {
  CONTAINER_URL,
  STORAGE_ACCOUNT_ID,
  fakeEnv,
  throttled,
  type FakeWorld,
} from "./support/fakeAzure";

const REF: MailboxRef = {
  instanceId: "recorder-web-1-0a1b2c3d",
  armedAt: "2026-01-01T02:00:00.000Z",
  storageAccountId: STORAGE_ACCOUNT_ID,
};
const FREEZE: FreezeEvent = {
  firedAt: "2026-01-01T14:00:00.000Z",
  lookbackSeconds: 300,
  postTriggerSeconds: 30,
  alert: { schema: "common", ruleName: "freeze-web" },
};

/** What the webhook and ops write before raising: one freeze, then a disarm, for REF's arming. */
async function written(world: FakeWorld = {}) {
  const { env, calls } = fakeEnv(world);
  const mailbox = blobRecorderMailbox(env.clients);
  await mailbox.post(REF, { kind: "disarm", writtenAt: "2026-01-01T14:00:09.000Z" });
  await mailbox.post(REF, { kind: "freeze", event: FREEZE, writtenAt: "2026-01-01T14:00:08.000Z" });
  // An earlier arming of the same VM, and another VM: never this arming's.
  await mailbox.post(
    { ...REF, armedAt: "2025-12-30T02:00:00.000Z" },
    {
      kind: "disarm",
      writtenAt: "2025-12-30T03:00:00.000Z",
    },
  );
  await mailbox.post(
    { ...REF, instanceId: "recorder-web-2-0a1b2c3d" },
    {
      kind: "disarm",
      writtenAt: "2026-01-01T14:00:00.000Z",
    },
  );
  calls.length = 0;
  return env;
}

describe("readRecorderMailbox", () => {
  test("returns this arming's requests only, oldest first, from the capture container", async () => {
    const world: FakeWorld = {};
    const env = await written(world);
    const names = Object.keys(world.blobs!).filter((url) =>
      decodeURIComponent(url).startsWith(
        `${CONTAINER_URL}/recorder-mailbox/${REF.instanceId}/${REF.armedAt}/`,
      ),
    );
    expect(names).toHaveLength(2);
    expect(await readRecorderMailbox(REF, env)).toEqual({
      ok: true,
      value: {
        requests: [
          { kind: "freeze", event: FREEZE, writtenAt: "2026-01-01T14:00:08.000Z" },
          { kind: "disarm", writtenAt: "2026-01-01T14:00:09.000Z" },
        ],
      },
    });
  });

  test("nothing written: no request", async () => {
    const { env } = fakeEnv({});
    expect(await readRecorderMailbox(REF, env)).toEqual({ ok: true, value: { requests: [] } });
  });

  test("a blob in the mailbox that is not a request is left out", async () => {
    const world: FakeWorld = {};
    const env = await written(world);
    world.blobs![`${CONTAINER_URL}/recorder-mailbox/${REF.instanceId}/${REF.armedAt}/x.json`] = {
      bytes: Buffer.from(JSON.stringify({ kind: "freeze", writtenAt: "2026-01-01T14:00:00.000Z" })),
    };
    const read = await readRecorderMailbox(REF, env);
    expect(read.ok && read.value.requests.map((r) => r.kind)).toEqual(["freeze", "disarm"]);
  });

  test("a blob in the mailbox that is not JSON is left out, not a failed recorder", async () => {
    const world: FakeWorld = {};
    const env = await written(world);
    world.blobs![`${CONTAINER_URL}/recorder-mailbox/${REF.instanceId}/${REF.armedAt}/y.json`] = {
      bytes: Buffer.from("{ truncated"),
    };
    const read = await readRecorderMailbox(REF, env);
    expect(read.ok && read.value.requests.map((r) => r.kind)).toEqual(["freeze", "disarm"]);
  });

  test("a throttled listing is thrown for the durable retry", async () => {
    const env = await written({ failures: { "container.listBlobsFlat": throttled() } });
    await expect(readRecorderMailbox(REF, env)).rejects.toMatchObject({ statusCode: 429 });
  });

  test("an account the settings do not allow is a permanent failure naming the fix", async () => {
    const { env } = fakeEnv({});
    const read = await readRecorderMailbox(
      {
        ...REF,
        storageAccountId:
          "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/other",
      },
      env,
    );
    expect(read).toMatchObject({ ok: false, failure: { code: "MailboxUnreadable" } });
  });
});
