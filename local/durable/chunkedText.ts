// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Azure Table string properties hold at most 64 KiB (32 Ki UTF-16 units) and an entity at most
 * 1 MiB, so large payloads are split across numbered properties `<name>_0 … <name>_k` with the
 * count in `<name>_n`. An absent count means null.
 */

const chunkChars = 30_000;
/** Keeps one entity well under 1 MiB (2 bytes per character on the wire's size accounting). */
export const maxTextChars = 15 * chunkChars;

export class PayloadTooLargeError extends Error {
  constructor(what: string, chars: number) {
    super(
      `${what} is ${chars} characters; the local durable engine stores at most ${maxTextChars} per payload`,
    );
  }
}

export type EntityProps = Record<string, unknown>;

/**
 * `json` must be JSON text (every payload the engine stores is). Azurite's entity-group
 * transactions lose U+2028/U+2029 (the value vanishes, or the batch fails) where Azure's keep
 * them; in JSON they can only sit inside strings, where the `\u2028` escape means the same.
 */
export function writeText(
  entity: EntityProps,
  name: string,
  json: string | null,
  what = name,
): void {
  if (json === null) return;
  const text = json.replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  if (text.length > maxTextChars) throw new PayloadTooLargeError(what, text.length);
  const chunks: string[] = [];
  for (let at = 0; at < text.length || chunks.length === 0;) {
    let end = Math.min(at + chunkChars, text.length);
    // Never split a surrogate pair: a lone surrogate is not valid in the service's JSON.
    if (end < text.length && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--;
    chunks.push(text.slice(at, end));
    at = end;
  }
  entity[`${name}_n`] = chunks.length;
  chunks.forEach((chunk, i) => (entity[`${name}_${i}`] = chunk));
}

export function readText(entity: EntityProps, name: string): string | null {
  const count = entity[`${name}_n`];
  if (typeof count !== "number") return null;
  let text = "";
  for (let i = 0; i < count; i++) text += String(entity[`${name}_${i}`] ?? "");
  return text;
}

/** Rough wire size, for keeping batches under the 4 MiB transaction limit. */
export function approximateBytes(entity: EntityProps): number {
  let bytes = 200;
  for (const [key, value] of Object.entries(entity))
    bytes += key.length * 2 + (typeof value === "string" ? value.length * 2 : 16);
  return bytes;
}
