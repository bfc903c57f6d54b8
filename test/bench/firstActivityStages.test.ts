// The latency bench's stage breakdown, read from host log lines as local/host/README.md writes them.
import { firstActivityStages, formatStages } from "../../bench/alerts/firstActivityStages";

const at = (ms: number): string => new Date(Date.UTC(2026, 10, 29, 22, 0, 0, ms)).toISOString();
const t0 = Date.parse(at(0));

function hostLines(id: string, created: number, committed: number, took: number, started: number) {
  return [
    `host ${at(created)} orchestrator captureOrchestrator instance=${id} status=Pending created`,
    `host ${at(started)} activity validateRequest instance=${id} task=0 status=Started`,
    `host ${at(committed)} orchestrator captureOrchestrator instance=${id} status=Running scheduled=[validateRequest] ${took}ms`,
    // A later episode of the same instance must not count as its first.
    `host ${at(committed + 500)} orchestrator captureOrchestrator instance=${id} status=Running scheduled=[checkQuota] 9ms`,
  ];
}

describe("firstActivityStages", () => {
  it("splits POST → first activity into created, episode wait, episode and activity wait", () => {
    const lines = [...hostLines("a", 40, 100, 30, 130), ...hostLines("b", 10, 50, 20, 45)];
    const stages = firstActivityStages(lines, "validateRequest", [
      { id: "a", startedAt: t0 },
      { id: "b", startedAt: t0 },
    ]);
    // a: created at 40, episode 70→100, activity at 130.
    expect(stages.get("a")).toEqual([40, 30, 30, 30]);
    // b: its activity left the queue during dispatch, before the episode's own line: no negative wait.
    expect(stages.get("b")).toEqual([10, 20, 20, 0]);
  });

  it("leaves out an instance with a missing line rather than guess its stages", () => {
    const lines = hostLines("a", 40, 100, 30, 130).filter((l) => !l.includes("created"));
    expect(firstActivityStages(lines, "validateRequest", [{ id: "a", startedAt: t0 }]).size).toBe(
      0,
    );
  });

  it("prints each stage's p50/p99 and its mean over the slowest alerts", () => {
    const stages = new Map([
      ["fast", [10, 0, 20, 0]],
      ["slow", [300, 0, 200, 100]],
    ]);
    const printed = formatStages(stages, 1).join("\n");
    expect(printed).toMatch(/POST → instance created\s+10 ms \/ 300 ms \/ 300 ms/);
    expect(printed).toMatch(/committed → activity started\s+0\.00 ms \/ 100 ms \/ 100 ms/);
  });
});
