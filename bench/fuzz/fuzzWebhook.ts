/**
 * Posts `count` fuzz cases to the alert webhook of a running local stack, at most `concurrency`
 * in flight, and checks what must hold whatever the body: no 5xx (a 503 counts — storage is up),
 * no dropped connection, the same host process still Running afterwards, and no orchestration
 * instance except for bodies answered 202 (started) or 200 with an instance (deduplicated).
 */
import type { Stack } from "../../local/stack";
import { jsonObject, loopbackAgent, send } from "../support/http";
import { boundedMap } from "../support/pool";
import { hostHealth, listInstances } from "../support/stackProbe";
import { formatTally, tally } from "../support/stats";
import { type FuzzCase, fuzzCase } from "./mutations";
import { fuzzSeeds } from "./seeds";

export interface FuzzOptions {
  count: number;
  /** Index of the first case (cases from..from+count-1), to replay a reported one. */
  from?: number;
  seed: number;
  concurrency: number;
  /** The VM the fired seeds target (an ARM ID). */
  vmResourceId: string;
}

export interface FuzzReport {
  /** Answers per status code; "error" for a request without an HTTP answer. */
  statuses: Map<string, number>;
  /** Cases answered 202 / 200 with an instance ID. */
  started: number;
  deduplicated: number;
  newInstances: number;
  /** Everything that must not happen, each with the case that did it (seed and index replay it). */
  violations: string[];
  seconds: number;
}

interface Outcome {
  status: string;
  /** The instance an accepting answer named. */
  instanceId?: string;
  accepted: boolean;
}

const MAX_LISTED = 10;

export async function fuzzWebhook(stack: Stack, options: FuzzOptions): Promise<FuzzReport> {
  const seeds = fuzzSeeds(options.vmResourceId);
  const pidAtStart = stack.host.pid;
  const before = await listInstances(stack);
  const agent = loopbackAgent(options.concurrency);
  const violations: string[] = [];
  const replayable = (c: FuzzCase): string =>
    `seed=${options.seed} case=${c.index} [${c.seed}] ${c.mutations.join("; ")}`;
  const started = Date.now();

  const outcomes = await boundedMap(
    options.count,
    options.concurrency,
    async (offset): Promise<Outcome> => {
      const c = fuzzCase(options.seed, (options.from ?? 0) + offset, seeds);
      const response = await send(
        stack.endpoints.webhookUrl,
        { headers: c.headers, body: c.body, chunked: c.chunked },
        agent,
      );
      if (!response.ok) {
        violations.push(`no answer (${response.error}): ${replayable(c)}`);
        return { status: "error", accepted: false };
      }
      if (response.status >= 500)
        violations.push(`${response.status} ${response.text.slice(0, 120)}: ${replayable(c)}`);
      const body = jsonObject(response);
      const instanceId = typeof body?.id === "string" ? body.id : undefined;
      const accepted =
        (response.status === 202 || (response.status === 200 && body?.deduplicated === true)) &&
        instanceId !== undefined;
      if ((response.status === 202 || body?.deduplicated === true) && !instanceId)
        violations.push(`${response.status} without an instance id: ${replayable(c)}`);
      return { status: String(response.status), instanceId, accepted };
    },
  );
  agent.destroy();
  const seconds = (Date.now() - started) / 1000;

  const health = await hostHealth(stack, pidAtStart);
  if (!health.sameProcess || !health.running)
    violations.push(`host crashed or restarted: ${health.detail}`);
  const after = await listInstances(stack);
  const acceptedIds = new Set(
    outcomes.filter((o) => o.accepted).map((o) => o.instanceId as string),
  );
  const newInstances = [...after.keys()].filter((id) => !before.has(id));
  for (const id of newInstances.filter((id) => !acceptedIds.has(id)).slice(0, MAX_LISTED))
    violations.push(`instance ${id} exists but no answer accepted it`);
  for (const o of outcomes
    .filter((x) => x.status === "202" && !after.has(x.instanceId as string))
    .slice(0, MAX_LISTED))
    violations.push(`202 for ${o.instanceId} but no such instance`);

  return {
    statuses: tally(outcomes.map((o) => o.status)),
    started: outcomes.filter((o) => o.status === "202").length,
    deduplicated: outcomes.filter((o) => o.status === "200" && o.accepted).length,
    newInstances: newInstances.length,
    violations,
    seconds,
  };
}

export function formatFuzzReport(report: FuzzReport, options: FuzzOptions): string {
  const lines = [
    `fuzz: ${options.count} bodies, seed ${options.seed}, ${options.concurrency} in flight, ${report.seconds.toFixed(1)} s`,
    `  answers per status: ${formatTally(report.statuses)}`,
    `  started (202): ${report.started}, deduplicated (200 with instance): ${report.deduplicated}, new instances in the task hub: ${report.newInstances}`,
    `  violations: ${report.violations.length}`,
    ...report.violations.slice(0, 20).map((v) => `    - ${v}`),
  ];
  return lines.join("\n");
}
