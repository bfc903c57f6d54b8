// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  signatureHeader,
  startNotificationSink,
  verifySignature,
  type NotificationSink,
} from "../../../local/notificationSink";

const SECRET = "sink-test-secret";
let dir: string;
let sink: NotificationSink;
let logLines: string[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sink-"));
  logLines = [];
  sink = await startNotificationSink({ secret: SECRET, dir, log: (l) => logLines.push(l) });
});

afterEach(async () => {
  await sink.stop();
  await rm(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  text: string;
  json(): unknown;
}

/** One connection per call (`agent: false`): a pooled keep-alive socket could point at a previous test's sink on a reused port. */
function call(
  method: string,
  pathname: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${sink.url}${pathname}`,
      { method, headers, agent: false, timeout: 5000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end(body);
  });
}

const post = (
  pathname: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Reply> =>
  call("POST", pathname, body, { "content-type": "application/json", ...headers });
const get = (pathname: string): Promise<Reply> => call("GET", pathname);

function signed(
  body: unknown,
  extra: Record<string, string> = {},
  secret = SECRET,
  t?: number,
): [string, Record<string, string>] {
  const raw = JSON.stringify(body);
  return [raw, { "x-capture-signature": signatureHeader(secret, raw, t), ...extra }];
}

test("a signed notification is stored, logged in one line, listed by GET /notifications and written as a JSON line", async () => {
  const notification = {
    status: "Succeeded",
    summary: "capture pc1 on vm1 done: https://acct/blob.cap?sv=1&sig=SECRETSIG",
    vm: "vm1",
  };
  const res = await post("/", ...signed(notification, { "idempotency-key": "k-1" }));
  expect(res.status).toBe(200);
  expect(res.json()).toEqual({ status: "stored", seq: 1 });

  const [stored] = sink.received();
  expect(stored).toMatchObject({
    seq: 1,
    channel: "generic",
    signatureVerified: true,
    headers: { "idempotency-key": "k-1" },
    body: notification,
  });
  expect((await get("/notifications")).json()).toEqual([stored]);
  const lines = (await readFile(path.join(dir, "notifications.jsonl"), "utf8")).trim().split("\n");
  expect(lines.map((l) => JSON.parse(l))).toEqual([stored]);
  const summary = logLines.find((l) => l.includes("generic #1"));
  expect(summary).toContain("capture pc1 on vm1 done");
  expect(summary).toContain("sig=REDACTED");
  expect(logLines.join("\n")).not.toContain("SECRETSIG");
});

test.each([
  ["no signature", () => [JSON.stringify({ a: 1 }), {}] as const],
  ["a wrong secret", () => signed({ a: 1 }, {}, "other-secret")],
  [
    "a timestamp older than 5 minutes",
    () => signed({ a: 1 }, {}, SECRET, Math.floor(Date.now() / 1000) - 301),
  ],
  [
    "a timestamp more than 5 minutes ahead",
    () => signed({ a: 1 }, {}, SECRET, Math.floor(Date.now() / 1000) + 301),
  ],
  [
    "a body changed after signing",
    () => {
      const [, headers] = signed({ amount: 1 });
      return [JSON.stringify({ amount: 2 }), headers] as const;
    },
  ],
  [
    "a malformed header",
    () => [JSON.stringify({ a: 1 }), { "x-capture-signature": "v1=abc" }] as const,
  ],
])("a generic notification with %s is rejected 401 and not stored", async (_what, make) => {
  const [raw, headers] = make();
  const res = await post("/notifications", raw, headers);
  expect(res.status).toBe(401);
  expect(sink.received()).toEqual([]);
});

test("a replay with the same Idempotency-Key answers 200 but is stored once", async () => {
  const first = await post("/", ...signed({ n: 1 }, { "idempotency-key": "same" }));
  const replay = await post("/", ...signed({ n: 1 }, { "idempotency-key": "same" }));
  const other = await post("/", ...signed({ n: 2 }, { "idempotency-key": "different" }));
  expect([first.status, replay.status, other.status]).toEqual([200, 200, 200]);
  expect(replay.json()).toEqual({ status: "duplicate", seq: 1 });
  expect(sink.received().map((n) => n.body)).toEqual([{ n: 1 }, { n: 2 }]);
});

test("Teams and Slack posts are accepted unsigned, answered as those services do, and filterable by channel", async () => {
  const teams = await post(
    "/teams",
    JSON.stringify({ "@type": "MessageCard", summary: "Capture finished", text: "vm1" }),
  );
  const slack = await post("/slack", JSON.stringify({ text: "Capture finished on vm1" }));
  expect([teams.status, teams.text]).toEqual([200, "1"]);
  expect([slack.status, slack.text]).toEqual([200, "ok"]);
  const onlySlack = (await get("/notifications?channel=slack")).json();
  expect(onlySlack).toEqual([
    expect.objectContaining({
      channel: "slack",
      signatureVerified: false,
      body: { text: "Capture finished on vm1" },
    }),
  ]);
});

test("non-JSON bodies are 400, unknown paths 404, other methods 405", async () => {
  const raw = "{not json";
  expect(
    (await post("/", raw, { "x-capture-signature": signatureHeader(SECRET, raw) })).status,
  ).toBe(400);
  expect((await post("/elsewhere", "{}")).status).toBe(404);
  expect((await get("/teams")).status).toBe(405);
  expect(sink.received()).toEqual([]);
});

test("waitFor resolves with a notification that arrives later, and rejects when none does in time", async () => {
  const waiting = sink.waitFor((n) => (n.body as { vm?: string }).vm === "vm9", 5000);
  await post("/", ...signed({ vm: "vm8" }));
  await post("/", ...signed({ vm: "vm9" }));
  await expect(waiting).resolves.toMatchObject({ seq: 2, body: { vm: "vm9" } });
  await expect(sink.waitFor((n) => n.channel === "teams", 100)).rejects.toThrow(
    "no matching notification within 100 ms (2 received)",
  );
});

test("a restarted sink reloads what it stored and still recognises replays", async () => {
  await post("/", ...signed({ n: 1 }, { "idempotency-key": "persisted" }));
  await sink.stop();
  sink = await startNotificationSink({ secret: SECRET, dir });
  expect(sink.received().map((n) => n.body)).toEqual([{ n: 1 }]);
  const replay = await post("/", ...signed({ n: 1 }, { "idempotency-key": "persisted" }));
  expect(replay.json()).toEqual({ status: "duplicate", seq: 1 });
  expect(sink.received()).toHaveLength(1);
});

test("verifySignature accepts any of several v1 signatures (secret rotation)", () => {
  const raw = Buffer.from('{"a":1}');
  const t = 1_700_000_000;
  const [, oldSig] = signatureHeader("old", raw, t).split(",v1=");
  const header = `${signatureHeader("new", raw, t)},v1=${oldSig}`;
  expect(verifySignature(header, raw, "old", t)).toEqual({ ok: true });
  expect(verifySignature(header, raw, "new", t)).toEqual({ ok: true });
  expect(verifySignature(header, raw, "third", t)).toEqual({
    ok: false,
    reason: "signature mismatch",
  });
});
