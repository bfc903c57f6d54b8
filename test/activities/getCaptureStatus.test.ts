import { getCaptureStatus } from "../../activities/getCaptureStatus";
import { WATCHER, fakeEnv, forbidden, throttled } from "./support/fakeAzure";

const REF = { watcher: WATCHER, name: "cap" };

describe("getCaptureStatus", () => {
  test.each([
    [{ status: "Running" }, { status: "Running", errors: [] }],
    [
      { status: "Stopped", stopReason: "TimeExceeded" },
      { status: "Stopped", stopReason: "TimeExceeded", errors: [] },
    ],
    [
      { status: "Error", errors: ["AgentStopped", "StorageFailed"] },
      { status: "Error", errors: ["AgentStopped", "StorageFailed"] },
    ],
  ])("Network Watcher's %j is reported as %j", async (capture, expected) => {
    const { env } = fakeEnv({ captures: { cap: { target: "vm", ...capture } } });
    expect(await getCaptureStatus(REF, env)).toEqual({ ok: true, value: expected });
  });

  test("a capture someone deleted is a permanent CaptureNotFound", async () => {
    const { env } = fakeEnv({ captures: {} });
    expect(await getCaptureStatus(REF, env)).toMatchObject({
      ok: false,
      failure: {
        code: "CaptureNotFound",
        message: "packet capture cap no longer exists under nw-weu",
      },
    });
  });

  test("a 403 is a permanent StatusUnreadable naming the permission; a 429 is retried", async () => {
    const denied = fakeEnv({
      captures: { cap: { target: "vm" } },
      failures: { "packetCaptures.getStatus": forbidden() },
    });
    expect(await getCaptureStatus(REF, denied.env)).toMatchObject({
      ok: false,
      failure: { code: "StatusUnreadable", action: expect.stringMatching(/queryStatus\/action/) },
    });
    const busy = fakeEnv({
      captures: { cap: { target: "vm" } },
      failures: { "packetCaptures.getStatus": throttled() },
    });
    await expect(getCaptureStatus(REF, busy.env)).rejects.toMatchObject({ statusCode: 429 });
  });
});
