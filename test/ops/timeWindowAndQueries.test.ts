import { OrchestrationRuntimeStatus } from "durable-functions";
import { encodeCursor } from "../../lib/ops/paging";
import {
  parseBulkRerun,
  parseCaptureQuery,
  parseInstanceId,
  parsePurgeQuery,
  parseStopBody,
} from "../../lib/ops/queries";
import { parseTimePoint } from "../../lib/ops/timeWindow";

const NOW = new Date("2026-03-10T12:00:00.000Z");

function at(text: string): string {
  const parsed = parseTimePoint(text, NOW);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value.toISOString();
}

describe("time points", () => {
  test.each([
    ["90s", "2026-03-10T11:58:30.000Z"],
    ["15m", "2026-03-10T11:45:00.000Z"],
    ["1h", "2026-03-10T11:00:00.000Z"],
    ["2d", "2026-03-08T12:00:00.000Z"],
    ["1w", "2026-03-03T12:00:00.000Z"],
    [" 1h ", "2026-03-10T11:00:00.000Z"],
  ])("a span back from now: %s", (text, expected) => {
    expect(at(text)).toBe(expected);
  });

  test.each([
    ["2026-03-01", "2026-03-01T00:00:00.000Z"],
    ["2026-03-01T08:30", "2026-03-01T08:30:00.000Z"],
    ["2026-03-01T08:30:15.250Z", "2026-03-01T08:30:15.250Z"],
    ["2026-03-01T08:30:00+02:00", "2026-03-01T06:30:00.000Z"],
    ["2026-03-01T08:30:00-05:00", "2026-03-01T13:30:00.000Z"],
  ])("ISO 8601 without an offset is UTC: %s", (text, expected) => {
    expect(at(text)).toBe(expected);
  });

  test.each([
    "1",
    "yesterday",
    "1 h",
    "1hour",
    "-1h",
    "2026-13-45",
    "2026/03/01",
    "",
    "9999999d",
    "1h; DROP",
  ])("refused: %j", (text) => {
    const parsed = parseTimePoint(text, NOW);
    expect(parsed.ok).toBe(false);
  });
});

describe("list query", () => {
  const parse = (query: string) => parseCaptureQuery(new URLSearchParams(query), NOW);

  test("defaults: any status, the last 7 days, 50 rows", () => {
    expect(parse("")).toEqual({
      ok: true,
      value: { statuses: [], since: new Date("2026-03-03T12:00:00.000Z"), top: 50 },
    });
  });

  test("statuses are matched case-insensitively, deduplicated, in the engine's spelling", () => {
    const parsed = parse(
      "status=failed, COMPLETED,Failed&target=web01&since=1h&until=30m&top=10&code=the-key",
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        statuses: [OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Completed],
        target: "web01",
        since: new Date("2026-03-10T11:00:00.000Z"),
        until: new Date("2026-03-10T11:30:00.000Z"),
        top: 10,
      },
    });
  });

  test("empty values are no values (an HTML form submits its empty boxes)", () => {
    expect(parse("status=&target=&since=&until=&top=")).toEqual(parse(""));
  });

  test("the continuation token this API hands out comes back as a cursor", () => {
    const token = encodeCursor({ createdTime: 1_700_000_000_000, instanceId: "capture-a" });
    const parsed = parse(`continuationToken=${token}`);
    expect(parsed.ok && parsed.value.cursor).toEqual({
      createdTime: 1_700_000_000_000,
      instanceId: "capture-a",
    });
  });

  test.each([
    ["status=Broken", "status: 'Broken' is not one of Running"],
    ["stauts=Failed", "unknown parameter 'stauts'"],
    ["since=yesterday", "since: 'yesterday' is neither"],
    ["since=1h&until=2h", "since: since must be before until"],
    ["top=0", "top: must be at least 1"],
    ["top=501", "top: must be at most 500"],
    ["top=ten", "top: must be a whole number"],
    ["continuationToken=bm9wZQ", "continuationToken: is not a token this API handed out"],
    ["status=Failed&status=Completed", "status: given more than once"],
  ])("%s → 400 naming the parameter", (query, message) => {
    const parsed = parse(query);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toContain(message);
  });
});

describe("bulk re-run body", () => {
  test("Failed by default; since is required", () => {
    expect(parseBulkRerun({ since: "1h" }, NOW)).toEqual({
      ok: true,
      value: {
        statuses: [OrchestrationRuntimeStatus.Failed],
        since: new Date("2026-03-10T11:00:00.000Z"),
        max: 100,
      },
    });
    const missing = parseBulkRerun({ status: "Failed" }, NOW);
    expect(!missing.ok && missing.message).toContain("since: is required");
  });

  test("status as a list or a comma-separated string; only re-runnable statuses", () => {
    const both = parseBulkRerun(
      { status: ["failed", "Terminated,Failed"], since: "2d", target: "web", max: 5 },
      NOW,
    );
    expect(both.ok && both.value).toMatchObject({
      statuses: ["Failed", "Terminated"],
      target: "web",
      max: 5,
    });
    const running = parseBulkRerun({ status: "Running", since: "1h" }, NOW);
    expect(!running.ok && running.message).toContain("'Running' is not one of Failed, Terminated");
  });

  test.each([
    [{ since: "1h", extra: true }, "unknown parameter 'extra'"],
    [{ since: "1h", max: 1000 }, "max"],
    [{ since: 3600 }, "since"],
    [[], "expected object"],
    [null, "expected object"],
  ])("%j → 400", (body, message) => {
    const parsed = parseBulkRerun(body, NOW);
    expect(!parsed.ok && parsed.message).toContain(message);
  });
});

describe("purge, stop and instance IDs", () => {
  test("olderThanDays is a whole number of days, 0-3650, and required", () => {
    expect(parsePurgeQuery(new URLSearchParams("olderThanDays=30&code=k"))).toEqual({
      ok: true,
      value: { olderThanDays: 30 },
    });
    expect(parsePurgeQuery(new URLSearchParams("olderThanDays=0"))).toEqual({
      ok: true,
      value: { olderThanDays: 0 },
    });
    for (const bad of [
      "",
      "olderThanDays=-1",
      "olderThanDays=1.5",
      "olderThanDays=3651",
      "olderThanDays=30&status=Running",
    ]) {
      expect(parsePurgeQuery(new URLSearchParams(bad)).ok).toBe(false);
    }
  });

  test("stop takes an optional reason and nothing else", () => {
    expect(parseStopBody(undefined)).toEqual({ ok: true, value: {} });
    expect(parseStopBody({ reason: "maintenance" })).toEqual({
      ok: true,
      value: { reason: "maintenance" },
    });
    expect(parseStopBody({ reason: "x".repeat(501) }).ok).toBe(false);
    expect(parseStopBody({ force: true }).ok).toBe(false);
  });

  test("instance IDs that DurableClient would put into a URL path unencoded are refused", () => {
    expect(parseInstanceId("capture-web01-0123456789")).toEqual({
      ok: true,
      value: "capture-web01-0123456789",
    });
    expect(parseInstanceId("0f8fad5b-d9cb-469f-a165-70867728950e").ok).toBe(true);
    for (const bad of [
      "",
      "../instances",
      "a/b",
      "a?b=c",
      "a#b",
      "a b",
      "-leading",
      "x".repeat(257),
      undefined,
    ]) {
      expect(parseInstanceId(bad).ok).toBe(false);
    }
  });
});
