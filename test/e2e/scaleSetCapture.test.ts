/**
 * A scale set, end to end on the local stack: an alert on a three-instance set starts one capture,
 * the emulated agent on each instance writes its own file, one instance's upload fails, and the
 * signed notification links every file that landed and names the instance that left none
 * (outcome partial).
 */
import type { CaptureReport } from "../../lib/workflow/contracts";
import type { Notification } from "../../lib/notify/notification";
import { firedCommonAlert } from "../support/fixtures";
import {
  genericNotificationFor,
  loopbackTraffic,
  postAlert,
  useScaleSetStack,
  waitForEnd,
} from "./support/testStack";

jest.setTimeout(240_000);

const { set: SET, stack } = useScaleSetStack("web-set", ["0", "1", "2"]);

test("every instance's file is verified and linked; the instance whose upload failed is named, outcome partial", async () => {
  const traffic = await loopbackTraffic(50);
  try {
    stack().arm.faults.add({ kind: "storageFailed", target: SET, instanceId: "2" });
    const filters = JSON.stringify([{ protocol: "TCP", localPort: String(traffic.port) }]);
    const accepted = await postAlert(
      stack(),
      firedCommonAlert({ captureTimeLimitSeconds: "6", captureFilters: filters }, SET),
    );
    expect(accepted.status).toBe(202);
    const end = await waitForEnd(String(accepted.body.statusQueryGetUri), 150_000);
    expect(end.runtimeStatus).toBe("Completed");
    const report = end.output as CaptureReport;
    expect(report.outcome).toBe("partial");
    expect(report.blob).toBeUndefined();
    expect(report.instances?.missing).toEqual(["2"]);
    expect(report.instances?.files.map((f) => [f.instanceId, f.format])).toEqual([
      ["0", "pcap"],
      ["1", "pcap"],
    ]);
    // Each instance's file is summarized on its own, beside it.
    for (const file of report.instances!.files)
      expect(file.summary?.summaryPath).toBe(file.storagePath.replace(/\.cap$/, ".summary.json"));

    const notification = await genericNotificationFor(stack(), accepted.body.id);
    expect(notification.signatureVerified).toBe(true);
    const body = notification.body as Notification;
    expect(body.outcome).toBe("partial");
    expect(body.title).toContain("no file from instance(s) 2");
    expect(body.instances?.missing).toEqual(["2"]);
    expect(body.instances?.files).toHaveLength(2);
    for (const file of body.instances!.files) {
      const download = await fetch(file.downloadUrl!);
      expect(download.status).toBe(200);
      const bytes = Buffer.from(await download.arrayBuffer());
      expect(bytes.byteLength).toBe(file.sizeBytes);
      expect(bytes.readUInt32LE(0)).toBe(0xa1b2c3d4);
    }
    expect(body.highlights.join("\n")).toContain("[instance 0]");
    expect(body.highlights.join("\n")).toContain(String(traffic.port));
    expect(stack().arm.sessions()).toEqual([]);
  } finally {
    await traffic.stop();
  }
});
