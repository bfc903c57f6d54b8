import { main } from "../../scripts/ops/cli";
import { resolveConnection, UsageError } from "../../scripts/ops/connection";
import { ProgressBar } from "../../scripts/ops/progress";
import { captureTable, table } from "../../scripts/ops/render";

describe("ops CLI", () => {
  test("tables align every column but the last", () => {
    expect(
      table(
        ["A", "LONGER", "C"],
        [
          ["xxxx", "y", "z z"],
          ["", "yyyyyyyy", ""],
        ],
      ).split("\n"),
    ).toEqual(["A     LONGER    C", "xxxx  y         z z", "      yyyyyyyy"]);
    const rows = captureTable([
      {
        instanceId: "capture-web01-1",
        runtimeStatus: "Running",
        createdTime: "2026-03-10T12:00:00.000Z",
        target: { name: "web01", resourceGroup: "prod-rg" },
        phase: "capturing",
        progress: { percent: 40 },
      },
      {
        instanceId: "capture-db-2",
        runtimeStatus: "Failed",
        createdTime: "2026-03-10T11:00:00.000Z",
        outcome: "failed",
        failure: "[startCapture] AgentMissing: x".padEnd(120, "!"),
      },
    ]).split("\n");
    expect(rows[0]).toMatch(/^CREATED \(UTC\)\s+STATUS\s+OUTCOME\s+TARGET\s+INSTANCE\s+REASON$/);
    expect(rows[1]).toContain("2026-03-10 12:00:00Z");
    expect(rows[1]).toContain("capturing 40%");
    expect(rows[1]).toContain("web01 (prod-rg)");
    expect(rows[2]?.endsWith("…")).toBe(true);
    expect(rows[1]?.indexOf("capture-web01-1")).toBe(rows[2]?.indexOf("capture-db-2"));
  });

  test("connection: flags, then environment; the URL must be http(s)", () => {
    expect(
      resolveConnection(
        { url: "https://app.example.net/", key: "k1" },
        { OPS_URL: "http://other", OPS_KEY: "k2" },
      ),
    ).toMatchObject({ baseUrl: "https://app.example.net", key: "k1" });
    expect(
      resolveConnection({}, { OPS_URL: "http://127.0.0.1:7071", OPS_KEY: "k2" }),
    ).toMatchObject({ baseUrl: "http://127.0.0.1:7071", key: "k2" });
    expect(() => resolveConnection({ url: "ftp://x", key: "k" }, {})).toThrow(UsageError);
  });

  test("progress: one line per item when stderr is not a terminal, a redrawn bar when it is", () => {
    const lines: string[] = [];
    const piped = {
      isTTY: false,
      write: (s: string) => lines.push(s),
    } as unknown as NodeJS.WriteStream;
    const bar = new ProgressBar(2, "rerun", piped);
    bar.tick("cap-a", "started");
    bar.tick("cap-b", "refused");
    expect(lines).toEqual(["rerun 1/2 cap-a started\n", "rerun 2/2 cap-b refused\n"]);
    const drawn: string[] = [];
    const tty = {
      isTTY: true,
      columns: 200,
      write: (s: string) => drawn.push(s),
    } as unknown as NodeJS.WriteStream;
    const ttyBar = new ProgressBar(2, "rerun", tty, 10);
    ttyBar.tick("cap-a", "started");
    ttyBar.tick("cap-b", "started");
    expect(drawn[0]).toContain("[█████░░░░░] 1/2 cap-a started");
    expect(drawn.at(-1)).toBe("\n");
  });

  test.each([
    [["frobnicate"], "unknown command 'frobnicate'"],
    [["list", "--bogus"], "Unknown option '--bogus'"],
    [["purge", "--since", "1h"], "purge does not take --since"],
    [["show"], "show takes exactly one instance ID"],
    [["rerun", "--failed"], "rerun --failed needs --since"],
    [["rerun"], "rerun needs instance IDs"],
    [["rerun", "cap-1", "--since", "1h"], "with instance IDs they mean nothing"],
    [["rerun", "cap-1", "--failed", "--since", "1h"], "not both"],
    [["purge"], "purge needs --older-than-days"],
  ])("usage errors (exit code 2) before any request: %j", async (args, message) => {
    const attempt = main([...args, "--url", "http://127.0.0.1:9", "--key", "k"]);
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toThrow(message);
  });
});
