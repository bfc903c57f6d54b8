import { checkQuota } from "../../activities/checkQuota";
import {
  TARGET,
  VM_ID,
  fakeEnv,
  forbidden,
  notFound,
  throttled,
  type FakeWorld,
} from "./support/fakeAzure";

const WATCHERS = [
  { name: "nw-eus", resourceGroup: "NetworkWatcherRG", location: "eastus" },
  { name: "nw-weu", resourceGroup: "NetworkWatcherRG", location: "westeurope" },
];
const running = (n: number, status = "Running") =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`cap-${i}`, { target: VM_ID, status }]));

describe("checkQuota", () => {
  test.each<[string, FakeWorld, number, boolean]>([
    ["a region with room", { watchers: WATCHERS, captures: running(3) }, 3, true],
    [
      "a full listing whose sessions all still run",
      { watchers: WATCHERS, captures: running(2), settings: { CAPTURE_SESSION_LIMIT: 2 } },
      2,
      false,
    ],
    [
      "a full listing holding finished sessions",
      {
        watchers: WATCHERS,
        captures: { ...running(1), old: { target: VM_ID, status: "Stopped" } },
        settings: { CAPTURE_SESSION_LIMIT: 2 },
      },
      1,
      true,
    ],
    [
      "a full listing whose statuses cannot be read (counted as running)",
      {
        watchers: WATCHERS,
        captures: running(2),
        settings: { CAPTURE_SESSION_LIMIT: 2 },
        failures: { "packetCaptures.getStatus": forbidden() },
      },
      2,
      false,
    ],
  ])("%s", async (_case, world, expectedRunning, available) => {
    const { env } = fakeEnv(world);
    const limit = (world.settings?.CAPTURE_SESSION_LIMIT as number | undefined) ?? 10000;
    expect(await checkQuota({ target: TARGET }, env)).toEqual({
      ok: true,
      value: {
        region: "westeurope",
        watcher: {
          subscriptionId: TARGET.subscriptionId,
          resourceGroup: "NetworkWatcherRG",
          name: "nw-weu",
        },
        running: expectedRunning,
        limit,
        available,
      },
    });
  });

  test("statuses are read only when the listing alone reaches the limit", async () => {
    const { env, calls } = fakeEnv({ watchers: WATCHERS, captures: running(3) });
    await checkQuota({ target: TARGET }, env);
    expect(calls.filter((c) => c.startsWith("packetCaptures.getStatus"))).toEqual([]);
  });

  test.each<[string, FakeWorld, string, RegExp]>([
    [
      "no watcher in the VM's region",
      { watchers: [WATCHERS[0]!] },
      "WatcherNotFound",
      /az network watcher configure -l westeurope/,
    ],
    [
      "the VM is gone",
      { watchers: WATCHERS, failures: { "virtualMachines.get": notFound() } },
      "TargetNotFound",
      /virtualMachines\/read/,
    ],
    [
      "the VM cannot be read",
      { watchers: WATCHERS, failures: { "virtualMachines.get": forbidden() } },
      "TargetUnreadable",
      /read access/,
    ],
    [
      "watchers cannot be listed",
      { watchers: WATCHERS, failures: { "networkWatchers.listAll": forbidden() } },
      "WatcherUnreadable",
      /networkWatchers\/read/,
    ],
    [
      "captures cannot be listed",
      { watchers: WATCHERS, failures: { "packetCaptures.list": forbidden() } },
      "CapturesUnreadable",
      /packetCaptures\/read/,
    ],
  ])("%s is a permanent %s with the fix", async (_case, world, code, action) => {
    const { env } = fakeEnv(world);
    const result = await checkQuota({ target: TARGET }, env);
    expect(result).toMatchObject({ ok: false, failure: { code } });
    expect(result.ok === false && result.failure.action).toMatch(action);
  });

  test("a named watcher in another region is refused, not used", async () => {
    const { env } = fakeEnv({ watchers: WATCHERS });
    const result = await checkQuota(
      {
        target: TARGET,
        watcher: {
          subscriptionId: TARGET.subscriptionId,
          resourceGroup: "NetworkWatcherRG",
          name: "nw-eus",
        },
      },
      env,
    );
    expect(result).toMatchObject({
      ok: false,
      failure: {
        code: "WatcherRegionMismatch",
        message: "watcher nw-eus is in eastus, the VM in westeurope",
      },
    });
  });

  test("a named watcher that does not exist is WatcherNotFound", async () => {
    const { env } = fakeEnv({ watchers: WATCHERS });
    const result = await checkQuota(
      {
        target: TARGET,
        watcher: { subscriptionId: TARGET.subscriptionId, resourceGroup: "rg", name: "nope" },
      },
      env,
    );
    expect(result).toMatchObject({ ok: false, failure: { code: "WatcherNotFound" } });
  });

  test("throttling is thrown for durable retries, not reported as a failure", async () => {
    const { env } = fakeEnv({
      watchers: WATCHERS,
      failures: { "virtualMachines.get": throttled() },
    });
    await expect(checkQuota({ target: TARGET }, env)).rejects.toMatchObject({ statusCode: 429 });
  });
});
