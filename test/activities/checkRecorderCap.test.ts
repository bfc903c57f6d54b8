import { checkRecorderCap } from "../../activities/checkRecorderCap";
import {
  VM_ID,
  WATCHER,
  fakeEnv,
  forbidden,
  throttled,
  type FakeCapture,
  type FakeWorld,
} from "./support/fakeAzure";

const OWN = "alertring-web-1-0a1b2c3d";
const input = (limit: number) => ({
  watcher: WATCHER,
  region: "westeurope",
  captureName: OWN,
  limit,
});
/** Other VMs' rings, each in `status`. */
const rings = (statuses: string[]): Record<string, FakeCapture> =>
  Object.fromEntries(
    statuses.map((status, i) => [`alertring-db-${i}-9f8e7d6c`, { target: VM_ID, status }]),
  );

describe("checkRecorderCap", () => {
  test.each<[string, Record<string, FakeCapture>, number, number, boolean]>([
    ["no recorder armed", {}, 3, 0, true],
    ["the cap not reached", rings(["Running", "Running"]), 3, 2, true],
    ["the cap reached", rings(["Running", "Running", "Running"]), 3, 3, false],
    [
      "more armed than the cap (lowered since)",
      rings(["Running", "Running", "Running"]),
      2,
      3,
      false,
    ],
    ["a ring still starting counts", rings(["Running", "NotStarted"]), 2, 2, false],
    ["stopped and failed rings do not count", rings(["Stopped", "Error", "Running"]), 2, 1, true],
    [
      "our own ring never counts, whatever its case (a re-run adopts it)",
      { [OWN.toUpperCase()]: { target: VM_ID }, ...rings(["Running"]) },
      2,
      1,
      true,
    ],
    [
      "one-shot captures are not recorders",
      { "alertcap-web-1-0a1b2c3d": { target: VM_ID }, ...rings(["Running"]) },
      2,
      1,
      true,
    ],
  ])("%s", async (_case, captures, limit, armed, available) => {
    const { env } = fakeEnv({ captures });
    expect(await checkRecorderCap(input(limit), env)).toEqual({
      ok: true,
      value: { armed, limit, available },
    });
  });

  test("a ring whose status cannot be read counts as armed (the guard errs on the cheap side)", async () => {
    const { env } = fakeEnv({
      captures: rings(["Running", "Stopped"]),
      failures: { "packetCaptures.getStatus": forbidden() },
    });
    expect(await checkRecorderCap(input(2), env)).toEqual({
      ok: true,
      value: { armed: 2, limit: 2, available: false },
    });
  });

  test("statuses are read for other rings only, and not at all when there are none", async () => {
    const world: FakeWorld = {
      captures: { [OWN]: { target: VM_ID }, "alertcap-x": { target: VM_ID } },
    };
    const { env, calls } = fakeEnv(world);
    await checkRecorderCap(input(1), env);
    expect(calls).toEqual(["packetCaptures.list"]);

    const withOther = fakeEnv({ captures: { ...world.captures, ...rings(["Running"]) } });
    await checkRecorderCap(input(1), withOther.env);
    expect(withOther.calls).toEqual([
      "packetCaptures.list",
      "packetCaptures.getStatus alertring-db-0-9f8e7d6c",
    ]);
  });

  test("captures that cannot be listed are a permanent CapturesUnreadable naming the permission", async () => {
    const { env } = fakeEnv({ failures: { "packetCaptures.list": forbidden() } });
    expect(await checkRecorderCap(input(2), env)).toEqual({
      ok: false,
      failure: {
        code: "CapturesUnreadable",
        message: "403 AuthorizationFailed: The client does not have authorization.",
        action:
          "Grant the function app's identity Microsoft.Network/networkWatchers/packetCaptures/read.",
      },
    });
  });

  test("throttling is thrown for durable retries", async () => {
    const { env } = fakeEnv({ failures: { "packetCaptures.list": throttled() } });
    await expect(checkRecorderCap(input(2), env)).rejects.toMatchObject({ statusCode: 429 });
  });
});
