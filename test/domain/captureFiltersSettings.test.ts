/**
 * Capture filters as an alert rule's `captureFilters` custom property delivers them: a JSON string
 * through resolveCaptureSettings. What the notation tables accept must arrive in the capture
 * settings unchanged, what they refuse must come back as a 422-ready reason, and a blank property
 * must fall back to the default.
 */
import { resolveCaptureSettings, type CaptureDefaults } from "../../lib/domain/captureParameters";

const STORAGE =
  "/subscriptions/3f2504e0-4f89-11d3-9a0c-0305e82c3301/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/caps";
const DEFAULTS: CaptureDefaults = {
  timeLimitInSeconds: 600,
  totalBytesPerSession: 2048,
  bytesToCapturePerPacket: 96,
  storageAccountId: STORAGE,
};

function filtersFrom(property: unknown) {
  return resolveCaptureSettings({ captureFilters: property }, DEFAULTS);
}

describe("captureFilters through the settings path", () => {
  test("IP filters (single, range, list) and ports (65535, five digits, range, list) arrive unchanged", () => {
    const filters = [
      {
        protocol: "TCP",
        localIPAddress: "10.0.0.4",
        remoteIPAddress: "10.0.0.1-10.0.0.255",
        localPort: "65535",
        remotePort: "10000-65535",
      },
      { protocol: "UDP", remoteIPAddress: "10.1.0.1;10.1.0.2;", remotePort: "53;5353" },
    ];
    expect(filtersFrom(JSON.stringify(filters))).toEqual({
      ok: true,
      settings: {
        timeLimitInSeconds: 600,
        totalBytesPerSession: 2048,
        bytesToCapturePerPacket: 96,
        filters,
        storageAccountId: STORAGE,
      },
    });
  });

  test("IPv6 addresses and an IPv6 range are accepted", () => {
    const filters = [
      { protocol: "Any", localIPAddress: "2001:db8::1", remoteIPAddress: "fe80::1-fe80::ff" },
    ];
    const resolved = filtersFrom(JSON.stringify(filters));
    expect(resolved.ok && resolved.settings.filters).toEqual(filters);
  });

  test.each([
    ['[{"localPort":"65536"}]', 'captureFilters: "65536" is not a port (0-65535) (at 0.localPort)'],
    [
      '[{"remotePort":"123456"}]',
      'captureFilters: "123456" is not a port (0-65535) (at 0.remotePort)',
    ],
    [
      '[{}, {"remoteIPAddress":"10.0.0.1-10.0.0.5;10.0.0.9"}]',
      "captureFilters: ranges and ;-lists cannot be mixed (at 1.remoteIPAddress)",
    ],
    [
      '[{"localIPAddress":"10.0.0.1-2001:db8::1"}]',
      "captureFilters: range start 10.0.0.1 is after its end 2001:db8::1 (at 0.localIPAddress)",
    ],
    [
      '[{"remoteIPAddress":"db.internal"}]',
      'captureFilters: "db.internal" is not an IP address (at 0.remoteIPAddress)',
    ],
    ['[{"localPort":"0x50"}]', 'captureFilters: "0x50" is not a port (0-65535) (at 0.localPort)'],
    ['[{"localPort":"1e3"}]', 'captureFilters: "1e3" is not a port (0-65535) (at 0.localPort)'],
    [
      '[{"remotePort":"12345678901234567890123"}]',
      'captureFilters: "12345678901234567890" is not a port (0-65535) (at 0.remotePort)',
    ],
    [
      '[{"localIPAddress":"2001:db8::1-10.0.0.1"}]',
      "captureFilters: range start 2001:db8::1 is after its end 10.0.0.1 (at 0.localIPAddress)",
    ],
    [
      `[{"remoteIPAddress":"${"h".repeat(70)}"}]`,
      `captureFilters: "${"h".repeat(60)}" is not an IP address (at 0.remoteIPAddress)`,
    ],
    ["not json", "captureFilters: must be a JSON array of filter objects"],
  ])("%s is refused: %s", (property, message) => {
    expect(filtersFrom(property)).toEqual({ ok: false, key: "captureFilters", message });
  });

  test("a one-port range (80-80) and a blank address spec are accepted", () => {
    const filters = [{ localPort: "80-80", remoteIPAddress: "   " }];
    const resolved = filtersFrom(JSON.stringify(filters));
    expect(resolved.ok && resolved.settings.filters).toEqual(filters);
  });

  test.each([[""], [null], [undefined]])(
    "a blank captureFilters (%j) falls back to no filter",
    (property) => {
      const resolved = filtersFrom(property);
      expect(resolved.ok && resolved.settings.filters).toEqual([]);
    },
  );

  test("blank numeric properties fall back to the defaults, value by value", () => {
    expect(
      resolveCaptureSettings(
        {
          captureTimeLimitSeconds: "",
          captureTotalBytes: null,
          captureBytesPerPacket: "128",
          captureStorageAccountId: "",
        },
        DEFAULTS,
      ),
    ).toEqual({
      ok: true,
      settings: {
        timeLimitInSeconds: 600,
        totalBytesPerSession: 2048,
        bytesToCapturePerPacket: 128,
        filters: [],
        storageAccountId: STORAGE,
      },
    });
  });
});
