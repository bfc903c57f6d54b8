/** A capture group's one status answer, read through the same narrow port the webhook uses. */
import { groupStatus, type GroupStatusReader } from "../../lib/webhook/groupStatus";

const GROUP = "group-2-0123456789abcdef";
type Stored = { runtimeStatus: string; customStatus: unknown; output: unknown };

/** A task hub holding exactly `instances`; any other ID reads as absent. */
function hub(instances: Record<string, Stored>): GroupStatusReader {
  return { read: (id) => Promise.resolve(instances[id]) };
}

const members = [
  { name: "web-1", instanceId: "capture-web-1-a", role: "started" },
  { name: "db-1", instanceId: "capture-db-1-b", role: "joined" },
];

describe("group status", () => {
  test("an ID that is not a group's: 400 naming the expected form", async () => {
    expect(await groupStatus("capture-web-1-a", hub({}))).toEqual({
      status: 400,
      body: { error: "not a capture group id (group-<n>-<hash>)" },
    });
  });

  test("a group the task hub does not hold: 404 naming it", async () => {
    expect(await groupStatus(GROUP, hub({}))).toEqual({
      status: 404,
      body: { error: `no capture group ${GROUP}` },
    });
  });

  test("running: each member's own status and progress; a member not (yet) in the hub is NotFound; no output", async () => {
    const answer = await groupStatus(
      GROUP,
      hub({
        [GROUP]: {
          runtimeStatus: "Running",
          customStatus: { phase: "capturingGroup", members },
          output: { partial: true },
        },
        "capture-web-1-a": {
          runtimeStatus: "Running",
          customStatus: { phase: "capturing", polls: 2 },
          output: null,
        },
      }),
    );
    expect(answer).toEqual({
      status: 200,
      body: {
        id: GROUP,
        runtimeStatus: "Running",
        phase: "capturingGroup",
        members: [
          {
            ...members[0],
            runtimeStatus: "Running",
            progress: { phase: "capturing", polls: 2 },
          },
          { ...members[1], runtimeStatus: "NotFound", progress: null },
        ],
      },
    });
  });

  test("completed: the group's output is part of the answer", async () => {
    const output = { outcome: "Succeeded", members: 2 };
    const answer = await groupStatus(
      GROUP,
      hub({ [GROUP]: { runtimeStatus: "Completed", customStatus: null, output } }),
    );
    expect(answer).toEqual({
      status: 200,
      body: { id: GROUP, runtimeStatus: "Completed", phase: null, members: [], output },
    });
  });
});
