import { resolveCaptureName } from "../../activities/resolveCaptureName";
import { TARGET, VM_ID, WATCHER, fakeEnv, forbidden, type FakeCapture } from "./support/fakeAzure";

const OTHER_VM = VM_ID.replace("web-1", "db-1");
const NAME = "alertcap-web-1-0123456789";
const input = { watcher: WATCHER, target: TARGET, desiredName: NAME };

describe("resolveCaptureName", () => {
  test.each<[string, Record<string, FakeCapture>, string, string, string[]]>([
    ["nothing holds the name", {}, NAME, "new", []],
    [
      "our VM's capture still runs (a retried alert)",
      { [NAME]: { target: VM_ID.toUpperCase(), status: "Running" } },
      NAME,
      "adopted",
      [],
    ],
    [
      "our VM's capture has finished",
      { [NAME]: { target: VM_ID, status: "Stopped" } },
      NAME,
      "replaced",
      [`packetCaptures.delete ${NAME}`],
    ],
    [
      "our VM's capture failed to provision",
      { [NAME]: { target: VM_ID, provisioningState: "Failed", status: "Running" } },
      NAME,
      "replaced",
      [`packetCaptures.delete ${NAME}`],
    ],
    [
      "another VM's capture holds the name",
      { [NAME]: { target: OTHER_VM, status: "Running" } },
      `${NAME}-2`,
      "suffixed",
      [],
    ],
    [
      "another VM holds the name and our stale capture the first suffix",
      {
        [NAME]: { target: OTHER_VM, status: "Running" },
        [`${NAME}-2`]: { target: VM_ID, status: "Stopped" },
      },
      `${NAME}-2`,
      "suffixed",
      [`packetCaptures.delete ${NAME}-2`],
    ],
  ])("%s → %s (%s)", async (_case, captures, name, resolution, deletes) => {
    const { env, calls } = fakeEnv({ captures });
    expect(await resolveCaptureName(input, env)).toEqual({ ok: true, value: { name, resolution } });
    expect(calls.filter((c) => c.startsWith("packetCaptures.delete"))).toEqual(deletes);
  });

  test("five names held by other VMs is a NameConflict naming the watcher", async () => {
    const held = Object.fromEntries(
      [NAME, `${NAME}-2`, `${NAME}-3`, `${NAME}-4`, `${NAME}-5`].map((n) => [
        n,
        { target: OTHER_VM, status: "Running" },
      ]),
    );
    const { env } = fakeEnv({ captures: held });
    expect(await resolveCaptureName(input, env)).toMatchObject({
      ok: false,
      failure: {
        code: "NameConflict",
        message: `${NAME} and 4 suffixed names are held by other targets' captures under nw-weu`,
      },
    });
  });

  test("no permission to read captures is a permanent NameUnresolved", async () => {
    const { env } = fakeEnv({ failures: { "packetCaptures.get": forbidden() } });
    expect(await resolveCaptureName(input, env)).toMatchObject({
      ok: false,
      failure: { code: "NameUnresolved" },
    });
  });
});
