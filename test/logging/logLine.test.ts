import { logLine, logValue } from "../../lib/logging/logLine";

describe("log lines from untrusted values", () => {
  test("CR/LF and other control characters are escaped, so a value cannot forge a line", () => {
    const forged = "vm1\r\n2026-01-01T00:00:00Z alert webhook: 202 started capture-x";
    const line = logLine`alert webhook: 400 unsupported schemaId ${forged}`;
    expect(line).not.toMatch(/[\r\n]/);
    expect(line).toBe(
      "alert webhook: 400 unsupported schemaId vm1\\r\\n2026-01-01T00:00:00Z alert webhook: 202 started capture-x",
    );
    expect(logValue("a\tb\u001b[31mc\u2028d\u0085e")).toBe("a\\tb\\u001b[31mc\\u2028d\\u0085e");
  });

  test("secrets are masked and errors give their message", () => {
    expect(logLine`GET ${"https://h/x?code=s3cret"} failed: ${new Error("boom\nmore")}`).toBe(
      "GET https://h/x?code=REDACTED failed: boom\\nmore",
    );
    expect(logLine`${1} and ${undefined}`).toBe("1 and undefined");
  });
});
