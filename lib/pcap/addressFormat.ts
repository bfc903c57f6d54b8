/** Text forms of addresses and times, done once per reported item (never per packet). */

/** IPv4 from word 0, IPv6 from words 0–3 in RFC 5952 form (as tshark prints them). */
export function formatAddress(ipVersion: number, words: ArrayLike<number>): string {
  if (ipVersion === 4) {
    const w = words[0]!;
    return `${w >>> 24}.${(w >>> 16) & 0xff}.${(w >>> 8) & 0xff}.${w & 0xff}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < 4; i++) groups.push((words[i]! >>> 16) & 0xffff, words[i]! & 0xffff);
  // The longest run of two or more zero groups (the first, on ties) becomes "::".
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(":");
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

const MAX_DATE_MS = 8.64e15;

/** ISO 8601 UTC with nanoseconds, trailing zero triplets dropped (…:05.123456Z for a microsecond file). */
export function formatTimestamp(seconds: number, nanoseconds: number): string {
  if (!(Math.abs(seconds * 1000) <= MAX_DATE_MS))
    return `epoch second ${seconds} (outside the calendar)`;
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  let fraction = String(nanoseconds).padStart(9, "0");
  while (fraction.length > 3 && fraction.endsWith("000")) fraction = fraction.slice(0, -3);
  return `${base}.${fraction}Z`;
}
