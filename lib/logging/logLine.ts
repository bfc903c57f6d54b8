/**
 * Log lines built from untrusted values. An alert field holding CR/LF would otherwise end our
 * line and start a forged one (`…\n2026-01-01T00:00:00Z alert webhook: 202 started …`), so every
 * interpolated value has its control characters escaped (`\n`, `\r`, `\t`, `\u001b`, …) and its
 * secrets masked (redact.ts) before it joins the line. The literal parts are ours and trusted.
 */
import { redactSecrets } from "./redact";

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
function isControl(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
}

/** One value as it may appear inside a log line: one line, no secret. */
export function logValue(value: unknown): string {
  const text = value instanceof Error ? value.message : String(value);
  let line = "";
  for (const char of text) {
    const code = char.charCodeAt(0);
    line += isControl(code) ? (NAMED[char] ?? `\\u${code.toString(16).padStart(4, "0")}`) : char;
  }
  return redactSecrets(line);
}

/** Template tag: `` logLine`alert webhook: ${status} ${reason}` `` with every value passed through logValue. */
export function logLine(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((line, literal, i) => line + logValue(values[i - 1]) + literal);
}
