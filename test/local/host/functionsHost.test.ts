// LOCAL DEV/TEST INFRASTRUCTURE — tests of the local Functions host (HTTP triggers, keys, limits, logging).
import {
  buildLocalRuntime,
  startTestAzurite,
  startTestHost,
  type TestAzurite,
  type TestHost,
} from "../fixtures/localRuntime";

let azurite: TestAzurite;
let host: TestHost;
let build: ReturnType<typeof buildLocalRuntime>;

beforeAll(async () => {
  build = buildLocalRuntime();
  azurite = await startTestAzurite();
  host = await startTestHost(build.entry, {
    storageConnectionString: azurite.connectionString,
    maxRequestBodyBytes: 1024,
    env: { FIXTURE_SETTING: "from-app-settings" },
  });
}, 60_000);

afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
  build?.cleanup();
});

describe("HTTP triggers registered through @azure/functions", () => {
  it("serves the route with its parameters, query, headers and cookies converted by @azure/functions", async () => {
    const response = await fetch(`${host.url}/api/echo/42/more?q=x`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: "42",
      rest: "more",
      q: "x",
      bodyLength: 0,
      method: "GET",
    });
    expect(response.headers.get("x-fixture")).toBe("yes");
    expect(response.headers.get("set-cookie")).toMatch(/^session=abc; Path=\/; HttpOnly/);
  });

  it("matches routes case-insensitively and lets optional parameters be absent", async () => {
    const response = await fetch(`${host.url}/API/Echo/7`, { method: "POST", body: "hello" });
    expect(await response.json()).toEqual({
      id: "7",
      rest: null,
      q: null,
      bodyLength: 5,
      method: "POST",
    });
  });

  it("answers 404 for a method the function does not accept, as Azure does", async () => {
    expect((await fetch(`${host.url}/api/echo/42`, { method: "DELETE" })).status).toBe(404);
    expect((await fetch(`${host.url}/api/nothing-here`)).status).toBe(404);
  });

  it("answers an unhandled function error with an empty 500", async () => {
    const response = await fetch(`${host.url}/api/fails`);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe("");
  });

  it("reads app settings from the process environment", async () => {
    expect(await (await fetch(`${host.url}/api/setting/FIXTURE_SETTING`)).json()).toEqual({
      value: "from-app-settings",
    });
  });
});

describe("authorization levels", () => {
  const get = (path: string, init?: RequestInit): Promise<number> =>
    fetch(`${host.url}${path}`, init).then((r) => r.status);

  it("function level takes a function key or the master key, by header or code", async () => {
    expect(await get("/api/keyed")).toBe(401);
    expect(await get("/api/keyed?code=wrong")).toBe(401);
    expect(await get(`/api/keyed?code=${host.functionKey}`)).toBe(200);
    expect(await get("/api/keyed", { headers: { "x-functions-key": host.functionKey } })).toBe(200);
    expect(await get(`/api/keyed?code=${host.masterKey}`)).toBe(200);
    expect(await get(`/api/keyed?code=${host.systemKey}`)).toBe(401);
  });

  it("admin level takes only the master key", async () => {
    expect(await get(`/api/admin-only?code=${host.functionKey}`)).toBe(401);
    expect(await get(`/api/admin-only?code=${host.masterKey}`)).toBe(200);
  });

  it("the host status endpoint is admin level and reports Running", async () => {
    expect(await get("/admin/host/status")).toBe(401);
    const response = await fetch(`${host.url}/admin/host/status`, {
      headers: { "x-functions-key": host.masterKey },
    });
    expect(await response.json()).toMatchObject({ state: "Running" });
  });

  it("durable webhooks take the system key or the master key, not a function key", async () => {
    const path = "/runtime/webhooks/durabletask/instances/none";
    expect(await get(`${path}?code=${host.functionKey}`)).toBe(401);
    expect(await get(`${path}?code=${host.systemKey}`)).toBe(404);
    expect(await get(`${path}?code=${host.masterKey}`)).toBe(404);
  });
});

describe("limits and logs", () => {
  it("refuses a body over the configured limit with 413", async () => {
    expect(
      (await fetch(`${host.url}/api/echo/1`, { method: "POST", body: "x".repeat(1025) })).status,
    ).toBe(413);
    expect(
      (await fetch(`${host.url}/api/echo/1`, { method: "POST", body: "x".repeat(1024) })).status,
    ).toBe(200);
  });

  it("logs one line per request and never the keys", async () => {
    await fetch(`${host.url}/api/keyed?code=${host.functionKey}`);
    await fetch(`${host.url}/api/keyed`, { headers: { "x-functions-key": host.masterKey } });
    const log = host.lines.join("\n");
    expect(log).toMatch(/GET \/api\/keyed\?code=REDACTED -> 200 function=keyed \d+ms/);
    for (const key of [host.functionKey, host.masterKey, host.systemKey])
      expect(log).not.toContain(key);
  });
});
