import { groupStatusUrlFor, statusUrlAt, statusUrlFor } from "../../lib/domain/statusUrl";

describe("key-less status URLs keep the caller's origin and route prefix", () => {
  test("a group's status URL from the alert URL: same origin and prefix, no key, the ID encoded", () => {
    expect(groupStatusUrlFor("https://app.example.net/api/alerts?code=KEY", "group-2-ab")).toBe(
      "https://app.example.net/api/groups/group-2-ab",
    );
    expect(groupStatusUrlFor("http://127.0.0.1:7071/fn/alerts/secure", "a/b")).toBe(
      "http://127.0.0.1:7071/fn/groups/a%2Fb",
    );
  });

  test("read off any of our routes, in any case; an empty prefix stays empty", () => {
    expect(statusUrlFor("https://h/x/GROUPS/group-1-a", "c")).toBe("https://h/x/captures/c/status");
    expect(statusUrlFor("https://h/captures/c/status", "d")).toBe("https://h/captures/d/status");
    expect(statusUrlFor("https://h/alerts", "e")).toBe("https://h/captures/e/status");
  });

  test("a URL on none of our routes falls back to the default /api prefix", () => {
    expect(statusUrlFor("https://h/somewhere/else", "c")).toBe("https://h/api/captures/c/status");
    expect(statusUrlFor("https://h/alertsx", "c")).toBe("https://h/api/captures/c/status");
    expect(statusUrlAt("https://h", "/api", "c")).toBe("https://h/api/captures/c/status");
  });
});
