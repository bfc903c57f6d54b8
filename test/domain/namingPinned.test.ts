/**
 * Instance and capture names, exactly: the readable part, the hash and Azure's rule for a
 * packet-capture name (1-80 characters, alphanumerics, `_.-`, starting alphanumeric and ending
 * alphanumeric or `_`). Expected names were worked out by hand (sha256 of the lower-cased ID).
 */
import { captureNameFor, instanceIdFor, suffixedCaptureName } from "../../lib/domain/naming";
import { MAX_NAME_ATTEMPTS } from "../../lib/domain/nameConflict";
import type { CaptureTarget } from "../../lib/domain/types";
import { VM_ID } from "../support/fixtures";

/** Azure's packet-capture (network resource) naming rule. */
const AZURE_CAPTURE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
const AZURE_CAPTURE_NAME_MAX = 80;

const SUB = "/subscriptions/3f2504e0-4f89-11d3-9a0c-0305e82c3301";

function vm(resourceId: string): CaptureTarget {
  const parts = resourceId.split("/");
  return {
    resourceId,
    subscriptionId: parts[2]!,
    resourceGroup: parts[4]!,
    name: parts.at(-1)!,
    kind: "virtualMachine",
  };
}

const LONG_NAME = "Web_Frontend.Tier01-ZoneRedundant-Production-East-Node0042-Prim";
const LONG = vm(
  `${SUB}/resourceGroups/prod-rg/providers/Microsoft.Compute/virtualMachines/${LONG_NAME}`,
);

describe("names derived from the target", () => {
  test("captureNameFor: alertcap-<readable VM name>-<10 hex of the ID's hash>", () => {
    expect(captureNameFor(vm(VM_ID))).toBe("alertcap-wcus-r2-gen2-e9cf9ae8c8");
  });

  test("instanceIdFor: capture-<readable VM name>-<same hash>", () => {
    expect(instanceIdFor(vm(VM_ID))).toBe("capture-wcus-r2-gen2-e9cf9ae8c8");
  });

  test("the ID's casing does not change either name", () => {
    const shouted = vm(VM_ID.toUpperCase().replace("WCUS-R2-GEN2", "wcus-r2-gen2"));
    expect(captureNameFor(shouted)).toBe("alertcap-wcus-r2-gen2-e9cf9ae8c8");
    expect(instanceIdFor(shouted)).toBe("capture-wcus-r2-gen2-e9cf9ae8c8");
  });

  test("a long VM name is mapped, clipped to 50 (capture) and 40 (instance) characters", () => {
    expect(captureNameFor(LONG)).toBe(
      "alertcap-web-frontend-tier01-zoneredundant-production-east--168dca6d7a",
    );
    expect(instanceIdFor(LONG)).toBe("capture-web-frontend-tier01-zoneredundant-produc-168dca6d7a");
  });

  test("a VM name with nothing readable falls back to vm", () => {
    const symbols = vm(
      `${SUB}/resourceGroups/prod-rg/providers/Microsoft.Compute/virtualMachines/___`,
    );
    expect(captureNameFor(symbols)).toBe("alertcap-vm-72f9c8fd1b");
  });

  test("runs of other characters become one dash; leading and trailing dashes go", () => {
    const messy = vm(
      `${SUB}/resourceGroups/prod-rg/providers/Microsoft.Compute/virtualMachines/--Db__Primary--`,
    );
    expect(captureNameFor(messy)).toBe("alertcap-db-primary-9b8d150460");
  });

  test("only ASCII a-z, 0-9 and - are kept: a look-alike letter (Kelvin sign) and ~ become dashes", () => {
    const lookAlike = vm(
      `${SUB}/resourceGroups/prod-rg/providers/Microsoft.Compute/virtualMachines/\u212Aelvin9~a--b`,
    );
    // The hash is of the ID folded in ASCII only, as Azure compares ARM IDs.
    expect(captureNameFor(lookAlike)).toBe("alertcap-elvin9-a--b-cd021cfa85");
  });

  test("every capture name we may use, suffixed ones included, satisfies Azure's rule and length", () => {
    for (const target of [vm(VM_ID), LONG]) {
      const base = captureNameFor(target);
      const all = [base];
      for (let attempt = 2; attempt <= MAX_NAME_ATTEMPTS; attempt++)
        all.push(suffixedCaptureName(base, attempt));
      for (const name of all) {
        expect(name).toMatch(AZURE_CAPTURE_NAME);
        expect(name.length).toBeLessThanOrEqual(AZURE_CAPTURE_NAME_MAX);
      }
    }
  });

  test("suffixedCaptureName appends -<attempt>", () => {
    expect(suffixedCaptureName("alertcap-vm-72f9c8fd1b", 3)).toBe("alertcap-vm-72f9c8fd1b-3");
  });
});
