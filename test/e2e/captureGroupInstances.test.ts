/**
 * A capture group with scale-set instances as peers, on the local stack: an alert for web-1 names
 * two of a three-instance set's instances. The set is captured once, scoped to those two (the
 * third captures nothing), and web-1 is compared with each instance's own file from storage.
 */
import type { GroupReport } from "../../lib/workflow/groupContracts";
import {
  alertFor,
  loopbackTraffic,
  postAlert,
  useScaleSetStack,
  vmId,
  waitForEnd,
} from "./support/testStack";

jest.setTimeout(240_000);

const { set: SET, stack } = useScaleSetStack("web-set", ["0", "1", "2"]);

test("two instances of one set as peers: one scoped capture on the set, each instance compared with its own file", async () => {
  const traffic = await loopbackTraffic(50);
  try {
    const filters = JSON.stringify([{ protocol: "TCP", localPort: String(traffic.port) }]);
    const accepted = await postAlert(
      stack(),
      alertFor("web-1", {
        capturePeers: `${SET}/virtualMachines/2;${SET}/virtualMachines/0`,
        captureTimeLimitSeconds: "6",
        captureFilters: filters,
      }),
    );
    expect(accepted.status).toBe(202);
    expect(accepted.body.members).toEqual([
      expect.objectContaining({ target: vmId("web-1") }),
      expect.objectContaining({ target: SET, instances: ["2", "0"] }),
    ]);
    const end = await waitForEnd(String(accepted.body.statusQueryGetUri), 150_000);
    expect(end.runtimeStatus).toBe("Completed");
    const report = end.output as GroupReport;
    expect(report.outcome).toBe("succeeded");
    const set = report.members[1]!.report!;
    // Network Watcher captured on the two instances in scope only.
    expect(set.request.settings.scope).toEqual({ include: ["2", "0"] });
    expect(set.instances?.files.map((f) => f.instanceId).sort()).toEqual(["0", "2"]);
    expect(set.instances?.missing).toEqual([]);
    // Both comparisons read their instance's file (a missing blob would be an error here).
    expect(report.comparisons.map((c) => [c.a, c.b, c.error])).toEqual([
      ["web-1", "web-set_2", undefined],
      ["web-1", "web-set_0", undefined],
    ]);
    expect(stack().arm.sessions()).toEqual([]);
  } finally {
    await traffic.stop();
  }
});
