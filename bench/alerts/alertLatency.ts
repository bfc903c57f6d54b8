/**
 * Issue 3: how long from an alert's POST until the first activity starts (validateRequest since
 * orchestration version 2.0; checkQuota before), for 200 alerts on 200 VMs posted back to back by
 * one client, beside the round trip of a trivial loopback HTTP server measured in the same run
 * with the same client and the same body. Goal: p99 < 250 ms.
 * Timing goals are reported, not enforced; a missing answer or activity is a violation.
 */
import { activityStarts, startBenchStack } from "../support/benchStack";
import { cpuShare } from "../support/cpuShare";
import { jsonObject, loopbackAgent, send } from "../support/http";
import { waitUntil } from "../support/stackProbe";
import { formatDistribution, distribution, type Distribution, ms } from "../support/stats";
import { firstActivityStages, formatStages } from "./firstActivityStages";
import { startBaselineServer } from "./loopbackBaseline";

export interface LatencyOptions {
  alerts: number;
  /** Alerts posted one at a time, each after the previous one's first activity: the unloaded floor. */
  isolated: number;
  warmup: number;
  goalP99Ms: number;
}

export interface LatencyResult {
  firstActivity: Distribution;
  unloadedFirstActivity: Distribution;
  webhookAnswer: Distribution;
  loopbackRtt: Distribution;
  violations: string[];
}

const FIRST_ACTIVITY = "validateRequest";
const JSON_HEADERS = { "content-type": "application/json" };

export async function alertLatencyBench(
  options: LatencyOptions,
  print: (line: string) => void,
): Promise<LatencyResult> {
  const stack = await startBenchStack();
  const baseline = await startBaselineServer();
  const agent = loopbackAgent(4);
  const violations: string[] = [];
  try {
    const post = (vm: string) =>
      send(
        stack.endpoints.webhookUrl,
        { headers: JSON_HEADERS, body: JSON.stringify(stack.alert(vm)) },
        agent,
      );
    const ping = (vm: string) =>
      send(baseline.url, { headers: JSON_HEADERS, body: JSON.stringify(stack.alert(vm)) }, agent);
    for (let i = 0; i < options.warmup; i++) {
      await post(`warm${i}`);
      await ping(`warm${i}`);
    }

    const unloaded: number[] = [];
    for (let i = 0; i < options.isolated; i++) {
      const answer = await post(`solo${i}`);
      const id = jsonObject(answer)?.id;
      if (
        typeof id !== "string" ||
        !(await waitUntil(() => activityStarts(stack.lines, FIRST_ACTIVITY).has(id), 10_000, 5))
      ) {
        violations.push(`isolated alert ${i} did not reach ${FIRST_ACTIVITY}`);
        continue;
      }
      unloaded.push(
        (activityStarts(stack.lines, FIRST_ACTIVITY).get(id) as number) - answer.startedAt,
      );
    }

    const cpu = cpuShare({ host: stack.host.pid, azurite: stack.azurite.pid });
    const posted: Array<{ id: string; startedAt: number }> = [];
    const answers: number[] = [];
    const rtts: number[] = [];
    for (let i = 0; i < options.alerts; i++) {
      const answer = await post(`lat${i}`);
      const id = jsonObject(answer)?.id;
      if (!answer.ok || answer.status !== 202 || typeof id !== "string") {
        violations.push(`alert ${i}: ${answer.ok ? `answered ${answer.status}` : answer.error}`);
      } else {
        posted.push({ id, startedAt: answer.startedAt });
        answers.push(answer.ms);
      }
      // Interleaved, so both see the same machine load.
      const rtt = await ping(`lat${i}`);
      if (rtt.ok) rtts.push(rtt.ms);
    }

    const allStarted = await waitUntil(
      () => posted.every((p) => activityStarts(stack.lines, FIRST_ACTIVITY).has(p.id)),
      120_000,
      500,
    );
    const cpuLine = cpu.stop();
    const starts = activityStarts(stack.lines, FIRST_ACTIVITY);
    if (!allStarted)
      violations.push(
        `${posted.filter((p) => !starts.has(p.id)).length} of ${posted.length} instances never started ${FIRST_ACTIVITY}`,
      );
    const latencies = posted.flatMap((p) =>
      starts.has(p.id) ? [(starts.get(p.id) as number) - p.startedAt] : [],
    );

    const result: LatencyResult = {
      firstActivity: distribution(latencies),
      unloadedFirstActivity: distribution(unloaded),
      webhookAnswer: distribution(answers),
      loopbackRtt: distribution(rtts),
      violations,
    };
    const { firstActivity: f, loopbackRtt: r } = result;
    print(
      `${options.alerts} alerts for ${options.alerts} VMs, back to back from one client (after ${options.warmup} warm-up and ${options.isolated} one-at-a-time alerts)`,
    );
    print(`  POST → ${FIRST_ACTIVITY} started:   ${formatDistribution(f)}`);
    print(`  POST → 202 answered:           ${formatDistribution(result.webhookAnswer)}`);
    print(
      `  unloaded, one alert at a time: ${formatDistribution(result.unloadedFirstActivity)}  (POST → ${FIRST_ACTIVITY} started)`,
    );
    print(
      `  baseline loopback HTTP RTT:    ${formatDistribution(r)}  (trivial node server, same client, same body)`,
    );
    print(
      `  ratio to baseline:             p50 ${(f.p50 / r.p50).toFixed(1)}×, p99 ${(f.p99 / r.p99).toFixed(1)}×`,
    );
    // The slowest 2 % hold the p99: their stages say where the tail comes from.
    for (const line of formatStages(
      firstActivityStages(stack.lines, FIRST_ACTIVITY, posted),
      Math.max(1, Math.ceil(posted.length / 50)),
    ))
      print(line);
    print(cpuLine);
    print(
      `  goal p99 < ${options.goalP99Ms} ms: ${f.p99 < options.goalP99Ms ? "met" : "NOT met"} (${ms(f.p99)}; timing goals are reported, not enforced)`,
    );
    return result;
  } finally {
    agent.destroy();
    await baseline.stop();
    await stack.dispose();
  }
}
