/**
 * The flight recorder end to end on the local runtime: an alert arms the VM (captureMode=ring),
 * the emulator records a real tcpdump ring into Azurite, a RST storm on one loopback port starts
 * at t0, the freeze alert fires at t0 + ~10 s, and the notification says the storm started before
 * the alert, with links to ring files that hold it (checked with tshark).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { CaptureReport } from "../../lib/workflow/contracts";
import {
  alertFor,
  durableHistory,
  loopbackTraffic,
  postAlert,
  readStatus,
  useTestStack,
  waitForEnd,
} from "./support/testStack";

jest.setTimeout(240_000);

const stack = useTestStack();

/** A loopback port nobody listens on: connecting to it is answered by a RST. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Connection attempts to `port`, `perTick` every 50 ms, until stopped (bounded to 2 minutes). */
function rstStorm(port: number, perTick = 5): { stop(): void; attempts(): number } {
  let attempts = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < perTick; i++) {
      attempts++;
      createConnection({ host: "127.0.0.1", port }).on("error", () => undefined);
    }
  }, 50);
  const bound = setTimeout(() => clearInterval(timer), 120_000);
  return {
    stop() {
      clearInterval(timer);
      clearTimeout(bound);
    },
    attempts: () => attempts,
  };
}

/** An alert of the given rule mode on `vm` whose essentials say it fired at `firedAt`. */
function alertAt(
  firedAt: Date,
  props: Record<string, string>,
  vm = "web-ring",
): Record<string, unknown> {
  const alert = alertFor(vm, props) as { data: { essentials: Record<string, unknown> } };
  alert.data.essentials.firedDateTime = firedAt.toISOString();
  return alert;
}

/** Polls the recorder's status until its phase is `phase` (bounded); fails if it ends first. */
async function waitForPhase(statusUrl: string, phase: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await readStatus(statusUrl);
    if ((s.customStatus as { phase?: string } | undefined)?.phase === phase) return;
    if (["Completed", "Failed", "Terminated"].includes(s.runtimeStatus))
      throw new Error(
        `recorder ended before ${phase}: ${JSON.stringify(s.output ?? s.customStatus)}`,
      );
    if (Date.now() > deadline) throw new Error(`never reached phase ${phase}`);
    await sleep(200);
  }
}

/** Waits for the recorder's end and checks it froze with the alert's fired time. */
async function frozenEnd(statusUrl: string, firedAt: Date, timeoutMs: number) {
  const end = await waitForEnd(statusUrl, timeoutMs);
  expect(end.runtimeStatus).toBe("Completed");
  const report = end.output as CaptureReport;
  expect(report).toMatchObject({ outcome: "frozen", ring: { firedAt: firedAt.toISOString() } });
  return report;
}

/** RST segments from `port` before `before` in a ring file downloaded from `url`. */
async function rstsBeforeIn(url: string, port: number, before: Date, dir: string, i: number) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const local = path.join(dir, `ring-${i}.cap`);
  writeFileSync(local, Buffer.from(await response.arrayBuffer()));
  const rows = tsharkRows(local, `tcp.srcport == ${port} && tcp.flags.reset == 1`, [
    "frame.time_epoch",
  ]);
  return rows.filter(([epoch]) => Number(epoch) * 1000 < before.getTime()).length;
}

function tsharkRows(file: string, filter: string, fields: string[]): string[][] {
  const out = execFileSync(
    "tshark",
    ["-r", file, "-Y", filter, "-T", "fields", ...fields.flatMap((f) => ["-e", f])],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  );
  return out
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split("\t"));
}

test("arm → RST storm at t0 → freeze at t0+10 s: the notification dates the storm before the alert, the linked ring files hold it", async () => {
  const background = await loopbackTraffic(100);
  const stormPort = await closedPort();
  const filters = JSON.stringify([
    { protocol: "TCP", localPort: `${background.port};${stormPort}` },
  ]);
  let storm: ReturnType<typeof rstStorm> | undefined;
  try {
    const armed = await postAlert(
      stack(),
      alertAt(new Date(), {
        captureMode: "ring",
        captureRingFiles: "4",
        captureRingFileBytes: "1000000",
        captureRingSeconds: "600",
        captureFilters: filters,
      }),
    );
    expect(armed).toMatchObject({ status: 202, body: { armed: true } });
    // The answer's status URL is our key-less route, which reads recorder instances too.
    const statusUrl = String(armed.body.statusQueryGetUri);
    expect(statusUrl).toMatch(/\/api\/captures\/recorder-[^/]+\/status$/);
    expect(armed.body.id).toMatch(/^recorder-web-ring-/);

    // Armed = the continuous capture runs.
    for (let i = 0; i < 120; i++) {
      const s = await readStatus(statusUrl);
      if ((s.customStatus as { phase?: string } | undefined)?.phase === "armed") break;
      if (["Completed", "Failed"].includes(s.runtimeStatus))
        throw new Error(`recorder ended early: ${JSON.stringify(s.output ?? s.customStatus)}`);
      await sleep(500);
    }
    expect((await readStatus(statusUrl)).customStatus).toMatchObject({ phase: "armed" });
    const armedAgain = await postAlert(stack(), alertAt(new Date(), { captureMode: "ring" }));
    expect(armedAgain).toMatchObject({ status: 200, body: { deduplicated: true, armed: true } });

    await sleep(3000);
    const t0 = new Date();
    storm = rstStorm(stormPort);
    await sleep(10_000);
    const firedAt = new Date();
    const frozen = await postAlert(
      stack(),
      alertAt(firedAt, {
        captureMode: "freeze",
        captureLookbackSeconds: "60",
        capturePostTriggerSeconds: "3",
      }),
    );
    expect(frozen).toMatchObject({ status: 202, body: { frozen: true, id: armed.body.id } });

    const report = await frozenEnd(statusUrl, firedAt, 150_000);
    storm.stop();
    expect(report.ring?.files?.length).toBeGreaterThan(0);

    const notification = await stack().sink.waitFor(
      (n) =>
        n.channel === "generic" && (n.body as { instanceId?: string }).instanceId === armed.body.id,
      20_000,
    );
    expect(notification.signatureVerified).toBe(true);
    const body = notification.body as {
      outcome: string;
      highlights: string[];
      ring: { files: Array<{ downloadUrl?: string }>; summaryUrl?: string };
    };
    expect(body.outcome).toBe("frozen");
    const burst = body.highlights.find((h) =>
      h.startsWith(`RST burst from 127.0.0.1:${stormPort}`),
    );
    expect(burst).toBeDefined();
    const seconds = Number(/started (\d+) s before the alert fired/.exec(burst!)?.[1]);
    // The storm began at t0, ~10 s before the alert fired.
    const expected = Math.round((firedAt.getTime() - t0.getTime()) / 1000);
    expect(seconds).toBeGreaterThanOrEqual(expected - 2);
    expect(seconds).toBeLessThanOrEqual(expected + 2);

    // The linked files: downloaded through their links, they hold the storm's RSTs before the fired time.
    const dir = mkdtempSync(path.join(tmpdir(), "apc-ring-"));
    let rstsBefore = 0;
    for (const [i, file] of body.ring.files.entries()) {
      expect(file.downloadUrl).toBeDefined();
      rstsBefore += await rstsBeforeIn(file.downloadUrl!, stormPort, firedAt, dir, i);
    }
    expect(rstsBefore).toBeGreaterThan(100);
    const summary = await fetch(body.ring.summaryUrl!);
    expect(summary.status).toBe(200);
    expect(stack().arm.sessions()).toEqual([]);
  } finally {
    storm?.stop();
    await background.stop();
  }
});

test("host SIGKILLed while armed and again while freezing: the recorder carries on, the freeze yields the files before the alert once", async () => {
  const stormPort = await closedPort();
  let storm: ReturnType<typeof rstStorm> | undefined;
  try {
    const armed = await postAlert(
      stack(),
      alertAt(
        new Date(),
        {
          captureMode: "ring",
          captureRingFiles: "4",
          captureRingFileBytes: "1000000",
          captureRingSeconds: "600",
          captureFilters: JSON.stringify([{ protocol: "TCP", localPort: String(stormPort) }]),
        },
        "web-crash",
      ),
    );
    expect(armed).toMatchObject({ status: 202, body: { armed: true } });
    const id = String(armed.body.id);
    const statusUrl = String(armed.body.statusQueryGetUri);
    await waitForPhase(statusUrl, "armed", 60_000);

    // The host dies while armed; the VM's ring (the emulator's tcpdump) records on regardless.
    await stack().crashAndRestartHost();
    storm = rstStorm(stormPort);
    await sleep(4000);
    expect((await readStatus(statusUrl)).customStatus).toMatchObject({ phase: "armed" });

    const firedAt = new Date();
    const frozen = await postAlert(
      stack(),
      alertAt(
        firedAt,
        { captureMode: "freeze", captureLookbackSeconds: "60", capturePostTriggerSeconds: "4" },
        "web-crash",
      ),
    );
    expect(frozen).toMatchObject({ status: 202, body: { frozen: true, id } });
    // ... and dies again during the post-trigger tail.
    await waitForPhase(statusUrl, "freezing", 10_000);
    await stack().crashAndRestartHost();

    await frozenEnd(statusUrl, firedAt, 90_000);
    storm.stop();

    const history = await durableHistory(stack(), id);
    const count = (type: string, name?: string) =>
      history.filter((e) => e.EventType === type && (!name || e.FunctionName === name)).length;
    expect(count("ExecutionCompleted")).toBe(1);
    expect(count("TaskCompleted", "startCapture")).toBe(1);
    expect(count("TaskCompleted", "stopCapture")).toBe(1);

    const ours = (n: { channel: string; body: unknown }) =>
      n.channel === "generic" && (n.body as { instanceId?: string }).instanceId === id;
    await stack().sink.waitFor(ours, 20_000);
    const mine = () => stack().sink.received().filter(ours);
    await sleep(1000);
    expect(mine()).toHaveLength(1);
    const body = mine()[0]!.body as {
      outcome: string;
      ring: { files: Array<{ downloadUrl?: string }> };
    };
    expect(body.outcome).toBe("frozen");
    const dir = mkdtempSync(path.join(tmpdir(), "apc-ring-crash-"));
    let rstsBefore = 0;
    for (const [i, file] of body.ring.files.entries())
      rstsBefore += await rstsBeforeIn(file.downloadUrl!, stormPort, firedAt, dir, i);
    expect(rstsBefore).toBeGreaterThan(100);
    expect(stack().arm.sessions()).toEqual([]);
  } finally {
    storm?.stop();
  }
});
