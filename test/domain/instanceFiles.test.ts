import {
  instanceOfBlob,
  instancesInScope,
  instancesWithoutFile,
} from "../../lib/domain/instanceFiles";

const SET = [
  { instanceId: "0", name: "web_0" },
  { instanceId: "1", name: "web_1" },
  { instanceId: "25", name: "web_25" },
];
const FOLDER =
  "/network-watcher-logs/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachinescalesets/web/2026/11/25/packetcapture_10_00_00_000";

describe("instance files", () => {
  test("no scope means every instance; include and exclude match IDs or names, any casing", () => {
    expect(instancesInScope(SET, undefined).map((i) => i.instanceId)).toEqual(["0", "1", "25"]);
    expect(instancesInScope(SET, { include: ["0", "WEB_25"] }).map((i) => i.instanceId)).toEqual([
      "0",
      "25",
    ]);
    expect(instancesInScope(SET, { exclude: ["web_1"] }).map((i) => i.instanceId)).toEqual([
      "0",
      "25",
    ]);
    expect(instancesInScope(SET, { include: ["0", "1"], exclude: ["1"] })).toEqual([SET[0]]);
  });

  test("a file is attributed by the segment after virtualMachines (the documented single-instance layout)", () => {
    const single =
      "/network-watcher-logs/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachinescalesets/web/virtualMachines/25/2026/11/25/packetCapture_10_00_00_000.cap";
    expect(instanceOfBlob(single, SET)?.instanceId).toBe("25");
    expect(instanceOfBlob(`${FOLDER}/virtualmachines/1/x.cap`, SET)?.instanceId).toBe("1");
  });

  test("or by a segment equal to the instance's name; a date segment equal to an ID is not an instance", () => {
    expect(instanceOfBlob(`${FOLDER}/web_0.cap`, SET)?.instanceId).toBe("0");
    // Day 25 and instance 25: only a documented segment attributes a file.
    expect(instanceOfBlob(`${FOLDER}/capture.cap`, SET)).toBeUndefined();
  });

  test("instances without a file are named unless anonymous files could be theirs", () => {
    expect(instancesWithoutFile(SET, [{ instanceId: "0" }, { instanceId: "25" }])).toEqual(["1"]);
    expect(instancesWithoutFile(SET, [{ instanceId: "0" }, {}, {}])).toEqual([]);
    expect(instancesWithoutFile(SET, [{ instanceId: "0" }, {}])).toEqual(["1", "25"]);
    expect(instancesWithoutFile(SET, [])).toEqual(["0", "1", "25"]);
  });

  test("names match with the capture extension dropped and URL escapes decoded", () => {
    expect(instanceOfBlob(`${FOLDER}/WEB_1.pcapng`, SET)?.instanceId).toBe("1");
    expect(instanceOfBlob(`${FOLDER}/web_25.pcap`, SET)?.instanceId).toBe("25");
    expect(instanceOfBlob(`${FOLDER}/web%5F0.cap`, SET)?.instanceId).toBe("0");
    expect(instanceOfBlob(`${FOLDER}/web_0.txt`, SET)).toBeUndefined();
  });

  test("the segment after virtualMachines may be the instance's name; a trailing virtualMachines names none", () => {
    expect(instanceOfBlob(`${FOLDER}/virtualMachines/web_25/x.cap`, SET)?.instanceId).toBe("25");
    expect(instanceOfBlob(`${FOLDER}/virtualMachines`, SET)).toBeUndefined();
  });
});
