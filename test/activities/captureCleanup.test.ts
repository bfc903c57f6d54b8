import { deleteCapture, stopCapture } from "../../activities/captureCleanup";
import { WATCHER, fakeEnv, forbidden, throttled } from "./support/fakeAzure";

const REF = { watcher: WATCHER, name: "cap" };

describe.each([
  ["stopCapture", stopCapture, "packetCaptures.stop", "StopFailed"],
  ["deleteCapture", deleteCapture, "packetCaptures.delete", "DeleteFailed"],
] as const)("%s", (_name, activity, method, code) => {
  test("does its call once and succeeds", async () => {
    const { env, calls } = fakeEnv({ captures: { cap: { target: "vm", status: "Running" } } });
    expect(await activity(REF, env)).toEqual({ ok: true, value: null });
    expect(calls).toEqual([`${method} cap`]);
  });

  test("a capture already gone is done (cleanup is idempotent)", async () => {
    const { env } = fakeEnv({ captures: {} });
    expect(await activity(REF, env)).toEqual({ ok: true, value: null });
  });

  test(`a 403 is a permanent ${code} telling ops what to do by hand`, async () => {
    const { env } = fakeEnv({
      captures: { cap: { target: "vm" } },
      failures: { [method]: forbidden() },
    });
    expect(await activity(REF, env)).toMatchObject({
      ok: false,
      failure: { code, action: expect.stringMatching(/az network watcher packet-capture/) },
    });
  });

  test("throttling is thrown for durable retries", async () => {
    const { env } = fakeEnv({
      captures: { cap: { target: "vm" } },
      failures: { [method]: throttled() },
    });
    await expect(activity(REF, env)).rejects.toMatchObject({ statusCode: 429 });
  });
});
