/**
 * Where an alert's time to its first activity goes, read from the host's own log lines
 * (local/host/README.md): POST → instance created (the webhook's work until the engine committed
 * the start) → first episode began (waiting for the orchestrator to be run) → first episode
 * committed (load, replay, commit) → activity started (waiting in the activity queue).
 * The stages add up to the whole; printed for all alerts and for the slowest ones, so a tail is
 * visible as the stage it sits in.
 */
import { distribution, ms } from "../support/stats";

const CREATED = /^host (\S+) orchestrator \S+ instance=(\S+) status=Pending created$/;
const EPISODE =
  /^host (\S+) orchestrator \S+ instance=(\S+) status=\S+ scheduled=\[([^\]]*)\] (\d+)ms$/;
const STARTED = /^host (\S+) activity (\S+) instance=(\S+) task=\d+ status=Started$/;

export const STAGE_NAMES = [
  "POST → instance created",
  "created → first episode began",
  "first episode (load, replay, commit)",
  "committed → activity started",
] as const;

/** One alert's stages in ms, in STAGE_NAMES order; undefined when a line is missing. */
export type Stages = readonly number[];

interface Marks {
  created?: number;
  episodeBegan?: number;
  committed?: number;
  activity?: number;
}

/** The stages of each posted instance whose first episode scheduled `activity`. */
export function firstActivityStages(
  lines: readonly string[],
  activity: string,
  posted: ReadonlyArray<{ id: string; startedAt: number }>,
): Map<string, Stages> {
  const marks = new Map<string, Marks>(posted.map((p) => [p.id, {}]));
  for (const line of lines) {
    let match = CREATED.exec(line);
    if (match) {
      const m = marks.get(match[2] as string);
      if (m && m.created === undefined) m.created = Date.parse(match[1] as string);
      continue;
    }
    match = EPISODE.exec(line);
    if (match) {
      const m = marks.get(match[2] as string);
      if (m && m.committed === undefined && (match[3] as string).split(", ").includes(activity)) {
        m.committed = Date.parse(match[1] as string);
        m.episodeBegan = m.committed - Number(match[4]);
      }
      continue;
    }
    match = STARTED.exec(line);
    if (match && match[2] === activity) {
      const m = marks.get(match[3] as string);
      if (m && m.activity === undefined) m.activity = Date.parse(match[1] as string);
    }
  }
  const stages = new Map<string, Stages>();
  for (const { id, startedAt } of posted) {
    const m = marks.get(id) as Marks;
    const points = [startedAt, m.created, m.episodeBegan, m.committed, m.activity];
    if (points.some((p) => p === undefined)) continue;
    const at = points as number[];
    // The Started line is logged as the activity leaves the queue, which can be before the
    // episode's own line: a free slot runs it during dispatch.
    stages.set(
      id,
      STAGE_NAMES.map((_, i) => Math.max(0, (at[i + 1] as number) - (at[i] as number))),
    );
  }
  return stages;
}

/** Lines to print: each stage's p50/p99 over all alerts, and its mean over the slowest `tail`. */
export function formatStages(stages: ReadonlyMap<string, Stages>, tail: number): string[] {
  const all = [...stages.values()];
  const slowest = [...all]
    .sort((a, b) => b.reduce((x, y) => x + y, 0) - a.reduce((x, y) => x + y, 0))
    .slice(0, tail);
  const mean = (values: number[]): number =>
    values.reduce((x, y) => x + y, 0) / Math.max(1, values.length);
  const width = Math.max(...STAGE_NAMES.map((n) => n.length));
  return [
    `  stages (n=${all.length}; host log timestamps, local/host/README.md)   p50 / p99 / mean of the slowest ${slowest.length}`,
    ...STAGE_NAMES.map((name, i) => {
      const d = distribution(all.map((s) => s[i] as number));
      const slow = mean(slowest.map((s) => s[i] as number));
      return `    ${name.padEnd(width)}  ${ms(d.p50)} / ${ms(d.p99)} / ${ms(slow)}`;
    }),
  ];
}
