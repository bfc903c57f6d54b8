// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/** The emulator's opt-in traffic recorder: oav's file format, no credentials, polls tied to their operation. */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  createTrafficRecorder,
  type TrafficFile,
} from "../../../local/armEmulator/trafficRecorder";

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "traffic-rec-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function files(): Promise<TrafficFile[]> {
  const names = (await readdir(dir)).sort();
  return Promise.all(
    names.map(async (n) => JSON.parse(await readFile(path.join(dir, n), "utf8")) as TrafficFile),
  );
}

const BASE = "https://127.0.0.1:1";
const OPS = `${BASE}/subscriptions/s/providers/Microsoft.Network/locations/westeurope`;

test("one oav request/response pair per exchange, without the bearer token or cookies", async () => {
  const recorder = createTrafficRecorder(dir);
  recorder.record(
    "NetworkWatchers_ListAll",
    {
      url: `${BASE}/subscriptions/s/providers/Microsoft.Network/networkWatchers?api-version=2026-01-01`,
      method: "GET",
      headers: { authorization: "Bearer secret-token", Cookie: "c=1", accept: "application/json" },
    },
    { status: 200, headers: { "content-type": "application/json" }, body: { value: [] } },
  );
  await recorder.flush();
  const [file] = await files();
  expect(file).toEqual({
    liveRequest: {
      url: `${BASE}/subscriptions/s/providers/Microsoft.Network/networkWatchers?api-version=2026-01-01`,
      method: "GET",
      headers: { accept: "application/json" },
    },
    liveResponse: {
      statusCode: "200",
      headers: { "content-type": "application/json" },
      body: { value: [] },
    },
    emulator: { operation: "NetworkWatchers_ListAll" },
  });
  expect(JSON.stringify(await files())).not.toContain("secret-token");
});

test("a poll names the operation that handed out its URL, through either header", async () => {
  const recorder = createTrafficRecorder(dir);
  const put = `${BASE}/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkWatchers/nw/packetCaptures/pc?api-version=2026-01-01`;
  const stop = put.replace("?", "/stop?");
  recorder.record(
    "PacketCaptures_Create",
    { url: put, method: "PUT", headers: {} },
    { status: 201, headers: { "azure-asyncoperation": `${OPS}/operations/a1?api-version=x` } },
  );
  recorder.record(
    "PacketCaptures_Stop",
    { url: stop, method: "POST", headers: {} },
    { status: 202, headers: { location: `${OPS}/operationResults/b2?api-version=x` } },
  );
  const poll = (op: string, url: string) =>
    recorder.record(op, { url, method: "GET", headers: {} }, { status: 200, headers: {} });
  // Paths compare case-insensitively and without the query, as ARM's do.
  poll("AzureAsyncOperation_Get", `${OPS.toUpperCase().replace("HTTPS", "https")}/operations/a1`);
  poll("OperationResults_Get", `${OPS}/operationResults/b2?api-version=x`);
  poll("OperationResults_Get", `${OPS}/operationResults/unknown?api-version=x`);
  await recorder.flush();
  const polls = (await files()).slice(2).map((f) => f.emulator.lroOf);
  expect(polls).toEqual([
    { url: put, method: "PUT", operation: "PacketCaptures_Create", via: "azure-asyncoperation" },
    { url: stop, method: "POST", operation: "PacketCaptures_Stop", via: "location" },
    undefined,
  ]);
});
