/**
 * A scale-set member of a capture group brings one file per instance: each gets its own link in
 * the group notification, and many of them neither push the group's status button past Slack's
 * 25 buttons nor grow the text without bound.
 */
import { buildGroupNotification, groupSlackMessage } from "../../lib/notify/groupNotification";
import type { GroupReport } from "../../lib/workflow/groupContracts";
import { captureReport } from "../support/reports";

const STATUS = "https://app.example.net/api/groups/group-2-0123456789abcdef";

/** A group of one scale set whose capture left `files` instance files. */
function setGroup(files: number): { report: GroupReport; fileLinks: Record<string, string> } {
  const paths = Array.from(
    { length: files },
    (_, i) => `https://caps/set/virtualMachines/${i}/a.cap`,
  );
  const report: GroupReport = {
    instanceId: "group-2-0123456789abcdef",
    outcome: "succeeded",
    alert: { schema: "common" },
    startedAt: "2026-01-01T02:00:00Z",
    endedAt: "2026-01-01T02:05:00Z",
    members: [
      {
        instanceId: "capture-set",
        name: "web-set",
        resourceId: "r1",
        role: "started",
        report: captureReport("succeeded", {
          instances: {
            storagePath: "https://caps/set",
            files: paths.map((storagePath, i) => ({
              instanceId: String(i),
              storagePath,
              sizeBytes: 100 + i,
              format: "pcap",
            })),
            missing: [],
            rejected: [],
          },
        }),
      },
    ],
    comparisons: [],
    statusUrl: STATUS,
  };
  return { report, fileLinks: Object.fromEntries(paths.map((p) => [p, `${p}?sig=x`])) };
}

type Slack = {
  blocks: Array<{ type: string; text?: { text: string }; elements?: Array<{ url: string }> }>;
};

test("every instance file is in the JSON with its own link", () => {
  const { report, fileLinks } = setGroup(3);
  const n = buildGroupNotification(report, {}, fileLinks);
  expect(n.members[0]!.downloadUrl).toBeUndefined();
  expect(n.members[0]!.files?.map((f) => [f.name, f.downloadUrl])).toEqual([
    ["web-set_0", "https://caps/set/virtualMachines/0/a.cap?sig=x"],
    ["web-set_1", "https://caps/set/virtualMachines/1/a.cap?sig=x"],
    ["web-set_2", "https://caps/set/virtualMachines/2/a.cap?sig=x"],
  ]);
});

test("30 instance files: 24 download buttons and the status, 10 file lines and a count of the rest", () => {
  const { report, fileLinks } = setGroup(30);
  const n = buildGroupNotification(report, {}, fileLinks);
  expect(n.members[0]!.files).toHaveLength(30);
  const slack = groupSlackMessage(n) as Slack;
  const buttons = slack.blocks.find((b) => b.type === "actions")!.elements!;
  expect(buttons).toHaveLength(25);
  expect(buttons.at(-1)!.url).toBe(STATUS);
  expect(buttons[23]!.url).toBe("https://caps/set/virtualMachines/23/a.cap?sig=x");
  const text = slack.blocks.find((b) => b.type === "section")!.text!.text;
  expect(text).toContain("web-set_9: 109 bytes");
  expect(text).not.toContain("web-set_10:");
  expect(text).toContain("… and 20 more files");
});
