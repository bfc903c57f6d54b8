/**
 * Time bounds as operators type them: a span back from now ("90s", "15m", "1h", "2d", "1w") or an
 * ISO 8601 date/time. Anything else is refused rather than guessed: `Date.parse("1")` is a valid
 * year 2001 in V8, which is exactly the kind of surprise a purge or bulk re-run must not get.
 */

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;
/** Ten years: far enough back for any real window, small enough to stay a valid Date. */
const MAX_SPAN_SECONDS = 3650 * 86_400;
const RELATIVE = /^(\d{1,7})([smhdw])$/;
/** Date, or date-time with optional seconds/fraction and a Z or ±hh:mm offset (no offset = UTC). */
const ISO = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

export type TimePoint = { ok: true; value: Date } | { ok: false; message: string };

export function parseTimePoint(text: string, now: Date): TimePoint {
  const trimmed = text.trim();
  const relative = RELATIVE.exec(trimmed);
  if (relative) {
    const seconds = Number(relative[1]) * UNIT_SECONDS[relative[2] as keyof typeof UNIT_SECONDS];
    if (seconds > MAX_SPAN_SECONDS)
      return { ok: false, message: `'${trimmed}' reaches back more than 3650 days` };
    return { ok: true, value: new Date(now.getTime() - seconds * 1000) };
  }
  if (ISO.test(trimmed)) {
    // A date-time without an offset would be read as local time by Date; operators mean UTC.
    const withZone = /T[^Z+-]*$/.test(trimmed) ? `${trimmed}Z` : trimmed;
    const value = new Date(withZone);
    if (!Number.isNaN(value.getTime())) return { ok: true, value };
  }
  return {
    ok: false,
    message: `'${clip(trimmed)}' is neither a span back from now (90s, 15m, 1h, 2d, 1w) nor an ISO 8601 date/time`,
  };
}

export function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
