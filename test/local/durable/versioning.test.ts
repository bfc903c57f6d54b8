// LOCAL DEV/TEST INFRASTRUCTURE — which instances a worker runs under host.json's versioning settings.
import {
  versionMismatch,
  versioningOff,
  type VersioningSettings,
} from "../../../local/durable/versioning";

const worker = (
  matchStrategy: VersioningSettings["matchStrategy"],
  defaultVersion = "2.0",
): VersioningSettings => ({ defaultVersion, matchStrategy, failureStrategy: "Reject" });

describe("versionMismatch", () => {
  test("CurrentOrOlder runs its own version, older ones and unversioned instances, not newer ones", () => {
    for (const version of ["2.0", "1.0", ""])
      expect(versionMismatch(version, worker("CurrentOrOlder"))).toBeUndefined();
    expect(versionMismatch("3.0", worker("CurrentOrOlder"))).toContain("'3.0' is not accepted");
  });

  test("Strict runs only its own version", () => {
    expect(versionMismatch("2.0", worker("Strict"))).toBeUndefined();
    expect(versionMismatch("1.0", worker("Strict"))).toContain("versionMatchStrategy Strict");
  });

  test("None, or no defaultVersion, runs everything", () => {
    expect(versionMismatch("9.0", worker("None"))).toBeUndefined();
    expect(versionMismatch("9.0", versioningOff)).toBeUndefined();
  });
});
