import { groupInstanceIdFor, groupTargets, PEERS_KEY } from "../../lib/domain/captureGroup";
import { parseCaptureTarget } from "../../lib/domain/armId";

const RG = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute";
const vm = (name: string) => `${RG}/virtualMachines/${name}`;
const set = (name: string) => `${RG}/virtualMachineScaleSets/${name}`;
const instance = (name: string, id: string) => `${set(name)}/virtualMachines/${id}`;
const allowAll = () => undefined;

/** The group for a primary VM web-1 and these peers: each capture as `name[whole] instances`. */
function grouped(
  peers: string[],
  max = 10,
  scopeRefusal: (id: string) => string | undefined = allowAll,
) {
  const result = groupTargets(
    [parseCaptureTarget(vm("web-1"))!],
    { [PEERS_KEY]: peers.join(";") },
    scopeRefusal,
    max,
  );
  if (!result.ok) return result;
  return {
    captures: result.targets.map((t) =>
      `${t.target.name}${t.whole ? "[whole]" : ""} ${t.instances.join(",")}`.trim(),
    ),
    memberIds: result.memberIds,
  };
}

describe("capture groups with scale-set instances", () => {
  test.each<[string, string[], string[]]>([
    ["a VM peer", [vm("db-1")], ["web-1[whole]", "db-1[whole]"]],
    ["one instance: a capture on its set", [instance("ss", "3")], ["web-1[whole]", "ss 3"]],
    [
      "two instances of one set: one capture with both",
      [instance("ss", "3"), instance("ss", "0")],
      ["web-1[whole]", "ss 3,0"],
    ],
    [
      "the same instance twice, in another casing: once",
      [instance("ss", "3"), instance("SS", "3").toLowerCase()],
      ["web-1[whole]", "ss 3"],
    ],
    [
      "the whole set and one of its instances: one capture, the instance still named",
      [set("ss"), instance("ss", "1")],
      ["web-1[whole]", "ss[whole] 1"],
    ],
    [
      "instances of two sets: a capture each",
      [instance("a", "0"), instance("b", "0"), instance("a", "1")],
      ["web-1[whole]", "a 0,1", "b 0"],
    ],
  ])("%s", (_, peers, captures) => {
    expect(grouped(peers)).toMatchObject({ captures });
  });

  test("every ID named counts toward the maximum, instances of one set included", () => {
    expect(grouped([instance("ss", "0"), instance("ss", "1")], 3)).toMatchObject({
      captures: ["web-1[whole]", "ss 0,1"],
    });
    expect(grouped([instance("ss", "0"), instance("ss", "1")], 2)).toMatchObject({
      ok: false,
      status: 422,
      key: PEERS_KEY,
      message: expect.stringContaining("this alert names 3") as unknown,
    });
  });

  test.each([
    instance("ss", "01"),
    instance("ss", "ss_1"),
    `${instance("ss", "1")}/networkInterfaces/nic`,
    `${set("bad;name")}/virtualMachines/0`,
  ])("a malformed instance ID is a 422 naming capturePeers: %p", (id) => {
    expect(grouped([id])).toMatchObject({
      ok: false,
      status: 422,
      key: PEERS_KEY,
      message: expect.stringContaining("scale-set instance") as unknown,
    });
  });

  test("the scope check sees the instance's scale set", () => {
    const checked: string[] = [];
    const refuse = (id: string) => {
      checked.push(id);
      return id.includes("/virtualMachineScaleSets/ss") ? "outside the allowed scopes" : undefined;
    };
    expect(grouped([instance("ss", "2")], 10, refuse)).toMatchObject({ ok: false, status: 403 });
    expect(checked).toEqual([vm("web-1"), set("ss")]);
  });

  test("the group's ID is the set of IDs named: instances tell groups apart, order and case do not", () => {
    const ids = (peers: string[]) => {
      const g = grouped(peers);
      return "memberIds" in g ? groupInstanceIdFor(g.memberIds) : undefined;
    };
    const two = ids([instance("ss", "0"), instance("ss", "1")]);
    expect(two).toMatch(/^group-3-[0-9a-f]{16}$/);
    expect(ids([instance("SS", "1"), instance("ss", "0")])).toBe(two);
    expect(ids([instance("ss", "0"), instance("ss", "2")])).not.toBe(two);
    // A group of VMs keeps the ID it had before instances could be named.
    // (the ID main's build gave web-1 + db-1, pinned: a running group must still be found by retries)
    expect(ids([vm("db-1")])).toBe("group-2-59a023187708c370");
  });
});

describe("capturePeers as an alert rule writes it", () => {
  const web1 = [parseCaptureTarget(vm("web-1"))!];

  test("the key in any case, blanks and empty entries between ;s ignored; members in the order named", () => {
    const result = groupTargets(
      web1,
      { CAPTUREPEERS: ` ${vm("db-1")} ;; ${vm("db-2")};` },
      allowAll,
      10,
    );
    expect(result).toMatchObject({ ok: true, memberIds: [vm("web-1"), vm("db-1"), vm("db-2")] });
  });

  test("a peer naming an alert target in other casing is the same member, listed once as first named", () => {
    const shouted = vm("web-1").toUpperCase().replace("/SUBSCRIPTIONS/S/", "/subscriptions/s/");
    const result = groupTargets(web1, { capturePeers: `${shouted};${vm("db-1")}` }, allowAll, 10);
    expect(result).toMatchObject({ ok: true, memberIds: [vm("web-1"), vm("db-1")] });
  });

  test("a peer that is no VM is quoted clipped to 200 characters", () => {
    const long = `${RG}/disks/${"d".repeat(300)}`;
    expect(groupTargets(web1, { capturePeers: long }, allowAll, 10)).toMatchObject({
      ok: false,
      status: 422,
      message: `capturePeers: ${JSON.stringify(long.slice(0, 200))} is not the ARM ID of a virtual machine, scale set or scale-set instance`,
    });
  });

  test("no capturePeers: the alert's own targets only", () => {
    expect(groupTargets(web1, {}, allowAll, 10)).toMatchObject({
      ok: true,
      memberIds: [vm("web-1")],
    });
  });

  test("a value that is not a string: 422 saying what it must be", () => {
    expect(groupTargets(web1, { capturePeers: ["x"] }, allowAll, 10)).toEqual({
      ok: false,
      status: 422,
      key: PEERS_KEY,
      message: "capturePeers: must be a string of ;-separated VM, scale-set or instance ARM IDs",
    });
  });

  test("a peer that is no VM, set or instance: 422 quoting it", () => {
    const disk = `${RG}/disks/os`;
    expect(groupTargets(web1, { capturePeers: disk }, allowAll, 10)).toEqual({
      ok: false,
      status: 422,
      key: PEERS_KEY,
      message: `capturePeers: ${JSON.stringify(disk)} is not the ARM ID of a virtual machine, scale set or scale-set instance`,
    });
  });

  test("more VMs than CAPTURE_GROUP_MAX_TARGETS: 422 naming the cap and the count", () => {
    expect(grouped([vm("db-1"), vm("db-2")], 2)).toEqual({
      ok: false,
      status: 422,
      key: PEERS_KEY,
      message:
        "capturePeers: a capture group holds at most 2 VMs (CAPTURE_GROUP_MAX_TARGETS); this alert names 3",
    });
  });

  test("a peer outside the scopes: 403 with the scope check's reason", () => {
    const refuse = (id: string) => (id === vm("db-1") ? "target db-1 is outside" : undefined);
    expect(grouped([vm("db-1")], 10, refuse)).toEqual({
      ok: false,
      status: 403,
      message: "target db-1 is outside",
    });
  });
});
