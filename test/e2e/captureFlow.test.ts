/**
 * The product, end to end on the local runtime: an Azure Monitor alert reaches the webhook, the
 * orchestration starts a real tcpdump capture through the ARM emulator, the .cap lands in
 * Azurite, and the signed notification arrives with the triage highlights and a working link.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { BlobClient, BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import type { CaptureReport } from "../../lib/workflow/contracts";
import {
  alertFor,
  genericNotificationFor,
  loopbackTraffic,
  postAlert,
  useTestStack,
  waitForEnd,
} from "./support/testStack";

jest.setTimeout(180_000);

const stack = useTestStack();

function blobClient(url: string): BlobClient {
  const credential = BlobServiceClient.fromConnectionString(
    stack().endpoints.storageConnectionString,
  ).credential as StorageSharedKeyCredential;
  return new BlobClient(url, credential);
}

test("webhook → capture of real loopback packets → .cap in blob storage → signed notification", async () => {
  const traffic = await loopbackTraffic(50);
  try {
    const filters = JSON.stringify([{ protocol: "TCP", localPort: String(traffic.port) }]);
    const accepted = await postAlert(
      stack(),
      alertFor("web01", { captureTimeLimitSeconds: "8", captureFilters: filters }),
    );
    expect(accepted.status).toBe(202);
    const statusUrl = String(accepted.body.statusQueryGetUri);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await traffic.reset();

    const again = await postAlert(stack(), alertFor("web01"));
    expect(again).toMatchObject({
      status: 200,
      body: { deduplicated: true, id: accepted.body.id },
    });

    // The status URL the webhook handed out carries no key; it needs the function key in a header.
    expect(statusUrl).toBe(
      `${stack().endpoints.functionsUrl}/api/captures/${String(accepted.body.id)}/status`,
    );
    expect((await fetch(statusUrl)).status).toBe(401);
    const running = await fetch(statusUrl, {
      headers: { "x-functions-key": stack().endpoints.functionKey },
    });
    expect(running.status).toBe(202);
    expect(await running.json()).toMatchObject({
      instanceId: accepted.body.id,
      runtimeStatus: expect.stringMatching(/^(Pending|Running)$/),
    });
    const end = await waitForEnd(statusUrl, 120_000);
    expect(end.runtimeStatus).toBe("Completed");
    const ended = await fetch(statusUrl, {
      headers: { "x-functions-key": stack().endpoints.functionKey },
    });
    expect(ended.status).toBe(200);
    const unknown = await fetch(statusUrl.replace(String(accepted.body.id), "capture-none-0"), {
      headers: { "x-functions-key": stack().endpoints.functionKey },
    });
    expect(unknown.status).toBe(404);
    const report = end.output as CaptureReport;
    expect(report.outcome).toBe("succeeded");
    expect(report.blob?.format).toBe("pcap");

    const file = path.join(mkdtempSync(path.join(tmpdir(), "apc-cap-")), "capture.cap");
    writeFileSync(file, await blobClient(report.blob!.storagePath).downloadToBuffer());
    const tshark = execFileSync(
      "tshark",
      [
        "-r",
        file,
        "-Y",
        `tcp.port == ${traffic.port} && tcp.len > 0`,
        "-T",
        "fields",
        "-e",
        "tcp.payload",
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    );
    const payloadPackets = tshark.split("\n").filter(Boolean).length;
    expect(payloadPackets).toBeGreaterThan(20);
    // The capture filter kept only our port: nothing else from the busy loopback is in the file.
    const others = execFileSync("tshark", ["-r", file, "-Y", `!(tcp.port == ${traffic.port})`], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    expect(others.trim()).toBe("");

    const summaryBlob = blobClient(report.summary!.summaryPath!);
    const summary = JSON.parse((await summaryBlob.downloadToBuffer()).toString("utf8")) as {
      packets: number;
    };
    expect(summary.packets).toBeGreaterThanOrEqual(payloadPackets);

    const notification = await genericNotificationFor(stack(), accepted.body.id);
    expect(notification.signatureVerified).toBe(true);
    expect(notification.headers["idempotency-key"]).toMatch(/^[0-9a-f]{32}$/);
    const body = notification.body as {
      outcome: string;
      highlights: string[];
      capture: { downloadUrl: string; sizeBytes: number };
      statusUrl: string;
    };
    expect(body.outcome).toBe("succeeded");
    // The triage: top conversations and TCP health (the reset connection), as the on-call engineer reads them.
    expect(body.highlights.join("\n")).toContain(String(traffic.port));
    expect(body.highlights.join("\n")).toMatch(/Resets: \d+ RST/);
    expect(body.statusUrl).not.toContain("code=");
    const download = await fetch(body.capture.downloadUrl);
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBe(body.capture.sizeBytes);

    for (const channel of ["teams", "slack"] as const) {
      await stack().sink.waitFor(
        (n) => n.channel === channel && JSON.stringify(n.body).includes("web01"),
        10_000,
      );
    }
    expect(stack().arm.sessions()).toEqual([]);
  } finally {
    await traffic.stop();
  }
});
