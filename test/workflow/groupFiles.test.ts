import type { CaptureReport, InstanceFile } from "../../lib/workflow/contracts";
import type { GroupMember } from "../../lib/workflow/groupContracts";
import { captureLanded, filesToCompare } from "../../lib/workflow/groupFiles";
import { captureReport } from "../support/reports";

const VM_BLOB = { storagePath: "https://st/c/vm1.cap", sizeBytes: 2048, format: "pcap" as const };
const SET_PATH = "https://st/c/web-set";

function file(instanceId: string | undefined, sizeBytes: number): InstanceFile {
  return {
    storagePath: `${SET_PATH}/${instanceId ?? "unknown"}.cap`,
    sizeBytes,
    format: "pcap",
    ...(instanceId !== undefined && { instanceId }),
  };
}

/** A report whose capture wrote the given files (a scale set's) or the given blob (a VM's). */
function report(extra: Partial<CaptureReport>): CaptureReport {
  return captureReport("succeeded", extra);
}

function scaleSetReport(files: InstanceFile[]): CaptureReport {
  return report({ instances: { storagePath: SET_PATH, files, missing: [], rejected: [] } });
}

const vm: GroupMember = { instanceId: "capture-vm1", request: captureReport("succeeded").request };
const wholeSet: GroupMember = {
  instanceId: "capture-web-set",
  request: {
    ...vm.request,
    target: { ...vm.request.target, name: "web-set", kind: "virtualMachineScaleSet" },
  },
};
const namedInstances: GroupMember = { ...wholeSet, instances: ["0", "3"] };

describe("captureLanded (a group member counts as captured)", () => {
  test("a single VM whose blob was verified has landed", () => {
    expect(captureLanded(vm, report({ blob: VM_BLOB }))).toBe(true);
  });

  test("a single VM without a blob, or without a report, has not landed", () => {
    expect(captureLanded(vm, report({}))).toBe(false);
    expect(captureLanded(vm, undefined)).toBe(false);
  });

  test("a scale set captured whole has landed when at least one instance wrote a file", () => {
    expect(captureLanded(wholeSet, scaleSetReport([file("2", 10)]))).toBe(true);
  });

  test("a scale set captured whole with no instance file has not landed", () => {
    expect(captureLanded(wholeSet, scaleSetReport([]))).toBe(false);
  });

  test("named instances have landed only when every one of them has its own file", () => {
    expect(captureLanded(namedInstances, scaleSetReport([file("0", 10), file("3", 20)]))).toBe(
      true,
    );
    expect(captureLanded(namedInstances, scaleSetReport([file("0", 10), file("2", 20)]))).toBe(
      false,
    );
  });

  test("a file no path segment attributes to an instance does not count for a named one", () => {
    expect(captureLanded(namedInstances, scaleSetReport([file("0", 10), file(undefined, 5)]))).toBe(
      false,
    );
  });
});

describe("filesToCompare (the files a group compares)", () => {
  test("a single VM contributes its one blob under its name", () => {
    expect(filesToCompare(vm, report({ blob: VM_BLOB }))).toEqual([{ name: "vm1", blob: VM_BLOB }]);
  });

  test("a single VM without a blob still appears, with no file", () => {
    expect(filesToCompare(vm, undefined)).toEqual([{ name: "vm1" }]);
  });

  test("named instances contribute one file each, named {set}_{instanceId}, in the order named", () => {
    expect(
      filesToCompare(namedInstances, scaleSetReport([file("3", 20), file("1", 5), file("0", 10)])),
    ).toEqual([
      {
        name: "web-set_0",
        blob: { storagePath: `${SET_PATH}/0.cap`, sizeBytes: 10, format: "pcap" },
      },
      {
        name: "web-set_3",
        blob: { storagePath: `${SET_PATH}/3.cap`, sizeBytes: 20, format: "pcap" },
      },
    ]);
  });

  test("a named instance without its own file appears with no file", () => {
    expect(filesToCompare(namedInstances, scaleSetReport([file("0", 10)]))).toEqual([
      {
        name: "web-set_0",
        blob: { storagePath: `${SET_PATH}/0.cap`, sizeBytes: 10, format: "pcap" },
      },
      { name: "web-set_3" },
    ]);
  });
});
