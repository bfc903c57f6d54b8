/**
 * Who may replace a running capture, and the reason the operator reads: a strictly more severe
 * alert, and only over a capture narrower than it asks for.
 */
import {
  runningCaptureOf,
  severityRank,
  supersedeReason,
  type RunningCapture,
} from "../../lib/webhook/supersede";
import type { AlertInfo, CaptureSettings } from "../../lib/domain/types";

const STORAGE =
  "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/caps";
const WIDE: CaptureSettings = {
  timeLimitInSeconds: 300,
  totalBytesPerSession: 1073741824,
  bytesToCapturePerPacket: 0,
  filters: [],
  storageAccountId: STORAGE,
};
const ON_443 = [{ protocol: "TCP" as const, remotePort: "443" }];

const alert = (severity?: string, ruleName?: string): AlertInfo => ({
  schema: "common",
  severity,
  ruleName,
});
const running = (severity: string | undefined, settings: Partial<CaptureSettings>) => ({
  severity,
  settings: { ...WIDE, ...settings },
});
/** The reason a Sev0 alert named "cpu" with `next` settings supersedes a running Sev3 capture. */
const reasonOver = (settings: Partial<CaptureSettings>, next: Partial<CaptureSettings> = {}) =>
  supersedeReason(
    { alert: alert("Sev0", "cpu"), settings: { ...WIDE, ...next } },
    running("Sev3", settings),
  );

describe("severity ranks: Sev0 highest, anything else below all", () => {
  test("Sev0 … Sev4 in any case and with surrounding blanks rank 0 … 4", () => {
    expect(["Sev0", "sev1", "SEV2", " Sev3 ", "Sev4"].map(severityRank)).toEqual([0, 1, 2, 3, 4]);
  });

  test("a severity with anything before or after the level, or none, ranks 5", () => {
    expect(["xSev1", "Sev1x", "Sev12", "Sev5", "", undefined].map(severityRank)).toEqual([
      5, 5, 5, 5, 5, 5,
    ]);
  });
});

describe("a running capture is superseded only where it is narrower", () => {
  test("shorter than asked: the reason names the alert, its rule and what is narrower", () => {
    expect(reasonOver({ timeLimitInSeconds: 60 })).toBe(
      "superseded by a Sev0 alert (cpu): the running Sev3 capture is narrower (it is shorter)",
    );
  });

  test("fewer bytes kept than asked", () => {
    expect(reasonOver({ totalBytesPerSession: 1024 })).toBe(
      "superseded by a Sev0 alert (cpu): the running Sev3 capture is narrower (it keeps fewer bytes)",
    );
  });

  test("a filtered capture when the new alert asks otherwise: its filters differ", () => {
    expect(reasonOver({ filters: ON_443 })).toBe(
      "superseded by a Sev0 alert (cpu): the running Sev3 capture is narrower (its filters differ)",
    );
    expect(reasonOver({ filters: ON_443 }, { filters: ON_443 })).toBeUndefined();
  });

  test("an unfiltered capture is not narrower than a filtered ask", () => {
    expect(reasonOver({}, { filters: ON_443 })).toBeUndefined();
  });

  test("less of each packet: 0 means whole packets, the widest there is", () => {
    const lessOfEach =
      "superseded by a Sev0 alert (cpu): the running Sev3 capture is narrower (it keeps less of each packet)";
    expect(reasonOver({ bytesToCapturePerPacket: 128 }, { bytesToCapturePerPacket: 0 })).toBe(
      lessOfEach,
    );
    expect(reasonOver({ bytesToCapturePerPacket: 64 }, { bytesToCapturePerPacket: 128 })).toBe(
      lessOfEach,
    );
    expect(
      reasonOver({ bytesToCapturePerPacket: 0 }, { bytesToCapturePerPacket: 128 }),
    ).toBeUndefined();
    expect(
      reasonOver({ bytesToCapturePerPacket: 128 }, { bytesToCapturePerPacket: 128 }),
    ).toBeUndefined();
  });

  test("as wide or wider on every count: not superseded", () => {
    expect(reasonOver({})).toBeUndefined();
    expect(
      reasonOver(
        { timeLimitInSeconds: 600, totalBytesPerSession: 2147483648 },
        { timeLimitInSeconds: 300, totalBytesPerSession: 1024 },
      ),
    ).toBeUndefined();
  });

  test("an alert without a rule name, over a capture of no known severity (a direct request)", () => {
    const next = { alert: alert("Sev2"), settings: WIDE };
    expect(supersedeReason(next, running(undefined, { timeLimitInSeconds: 60 }))).toBe(
      "superseded by a Sev2 alert: the running lower-severity capture is narrower (it is shorter)",
    );
  });

  test("an equally or less severe alert supersedes nothing, however narrow the capture", () => {
    const narrow = running("Sev2", { timeLimitInSeconds: 1 });
    expect(supersedeReason({ alert: alert("Sev2"), settings: WIDE }, narrow)).toBeUndefined();
    expect(supersedeReason({ alert: alert("Sev4"), settings: WIDE }, narrow)).toBeUndefined();
    expect(supersedeReason({ alert: alert(undefined), settings: WIDE }, narrow)).toBeUndefined();
  });
});

describe("what a running instance's input tells", () => {
  test("its alert's severity and the settings supersede compares; an input without settings tells nothing", () => {
    const { storageAccountId: _storage, ...compared } = WIDE;
    const expected: RunningCapture = { severity: "Sev3", settings: compared as CaptureSettings };
    expect(runningCaptureOf({ alert: { severity: "Sev3" }, settings: WIDE })).toEqual(expected);
    expect(runningCaptureOf({ settings: WIDE })).toEqual({ ...expected, severity: undefined });
    expect(runningCaptureOf({ alert: { severity: "Sev3" } })).toBeUndefined();
    expect(runningCaptureOf("not an input")).toBeUndefined();
  });
});
