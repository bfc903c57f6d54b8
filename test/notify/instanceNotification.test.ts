/** A scale set's notification links every instance's file and names the instances without one. */
import { buildNotification, facts } from "../../lib/notify/notification";
import { slackMessage, teamsMessage } from "../../lib/notify/channels";
import { captureReport as report } from "../support/reports";

const FOLDER = "https://caps.blob.core.windows.net/network-watcher-logs/web/packetcapture_x";
const url = (id: string) => `${FOLDER}/virtualmachines/${id}/packetcapture_x.cap`;
const file = (id: string) => ({
  instanceId: id,
  storagePath: url(id),
  sizeBytes: 4096,
  format: "pcap" as const,
  summary: { highlights: [`instance ${id} talker`] },
});

describe("scale-set notifications", () => {
  test("each instance's file has its own link, and triage lines say which instance they are about", () => {
    const n = buildNotification(
      report("partial", {
        instances: {
          storagePath: FOLDER,
          files: [file("0"), file("2")],
          missing: ["1"],
          rejected: [],
        },
      }),
      { fileLinks: { [url("0")]: `${url("0")}?sig=a`, [url("2")]: `${url("2")}?sig=b` } },
    );
    expect(n.title).toBe("Packet capture partial — no file from instance(s) 1: vm1");
    expect(n.instances).toEqual({
      files: [
        {
          instanceId: "0",
          storagePath: url("0"),
          downloadUrl: `${url("0")}?sig=a`,
          sizeBytes: 4096,
          format: "pcap",
        },
        {
          instanceId: "2",
          storagePath: url("2"),
          downloadUrl: `${url("2")}?sig=b`,
          sizeBytes: 4096,
          format: "pcap",
        },
      ],
      missing: ["1"],
    });
    expect(n.highlights).toEqual([
      "[instance 0] instance 0 talker",
      "[instance 2] instance 2 talker",
    ]);
    expect(Object.fromEntries(facts(n)).Instances).toBe("2 file(s); no file from 1");
    const teams = JSON.stringify(teamsMessage(n));
    const slack = JSON.stringify(slackMessage(n));
    for (const rendered of [teams, slack]) {
      expect(rendered).toContain("Instance 0 .cap");
      expect(rendered).toContain(`${url("2")}?sig=b`);
    }
  });

  test("a VM's notification has no instance section", () => {
    const n = buildNotification(report("succeeded"));
    expect(n.instances).toBeUndefined();
    expect(Object.fromEntries(facts(n)).Instances).toBeUndefined();
  });
});
