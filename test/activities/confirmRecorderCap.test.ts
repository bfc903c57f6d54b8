import { confirmRecorderCap } from "../../activities/confirmRecorderCap";
import { fakeEnv, forbidden, WATCHER, type FakeCapture } from "./support/fakeAzure";

const OWN = "alertring-web-1-0123";
const input = { watcher: WATCHER, region: "westeurope", captureName: OWN, limit: 2 };
const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 2, 0, second)).toISOString();
const running = (second?: number): FakeCapture => ({
  target: "vm",
  status: second === undefined ? "NotStarted" : "Running",
  captureStartTime: second === undefined ? undefined : at(second),
});

describe("confirmRecorderCap on Network Watcher's captures", () => {
  test("after starting: rings that started earlier (or are still starting) rank ahead", async () => {
    const { env } = fakeEnv({
      captures: { [OWN]: running(5), "alertring-a": running(1), "alertring-b": running(9) },
    });
    expect(await confirmRecorderCap(input, env)).toEqual({
      ok: true,
      value: { ahead: 1, limit: 2, available: true },
    });
    const crowded = fakeEnv({
      captures: { [OWN]: running(5), "alertring-a": running(1), "alertring-b": running() },
    });
    expect(await confirmRecorderCap(input, crowded.env)).toMatchObject({
      value: { ahead: 2, available: false },
    });
  });

  test("our ring without a start time yet throws, so the durable retries wait for it", async () => {
    const { env } = fakeEnv({ captures: { [OWN]: running() } });
    await expect(confirmRecorderCap(input, env)).rejects.toThrow(/has not reported its start/);
  });

  test("our ring already ended holds no session: nothing to cap", async () => {
    const { env } = fakeEnv({
      captures: { [OWN]: { target: "vm", status: "Stopped" }, "alertring-a": running(1) },
    });
    expect(await confirmRecorderCap({ ...input, limit: 1 }, env)).toMatchObject({
      value: { available: true },
    });
  });

  test("captures that cannot be listed are a permanent failure naming the permission", async () => {
    const { env } = fakeEnv({ failures: { "packetCaptures.list": forbidden() } });
    expect(await confirmRecorderCap(input, env)).toMatchObject({
      ok: false,
      failure: { code: "CapturesUnreadable" },
    });
  });
});
