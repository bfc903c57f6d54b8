/**
 * A parsed payload the fuzzer can edit in place: every value has a slot (its container and key,
 * with a readable path), and text JSON.stringify cannot produce — duplicate or `__proto__` keys,
 * `1e400`, 100,000-deep nesting — goes in as a raw token, spliced in when the tree is rendered.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Slot {
  container: Json[] | JsonObject;
  key: string | number;
  path: string;
}

const MARK = "\u0001raw";
/** How a raw token's marker string looks once JSON.stringify has escaped it. */
const RENDERED_MARK = /"\\u0001raw(\d+)\\u0001"/g;

export class EditableTree {
  /** The payload lives under a holder so that the root itself has a slot and can be replaced. */
  private readonly holder: JsonObject;
  private readonly raws: string[] = [];

  constructor(payload: Json) {
    this.holder = { root: structuredClone(payload) };
  }

  /** A string standing for `jsonText`, usable as a value or as an object key. */
  raw(jsonText: string): string {
    this.raws.push(jsonText);
    return `${MARK}${this.raws.length - 1}\u0001`;
  }

  slots(): Slot[] {
    const found: Slot[] = [];
    const pending: Array<{ value: Json; path: string }> = [{ value: this.holder, path: "" }];
    while (pending.length > 0) {
      const { value, path } = pending.pop() as { value: Json; path: string };
      if (value === null || typeof value !== "object") continue;
      const entries: Array<[string | number, Json]> = Array.isArray(value)
        ? value.map((child, i) => [i, child])
        : Object.entries(value);
      for (const [key, child] of entries) {
        const childPath =
          typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key;
        found.push({ container: value, key, path: childPath });
        pending.push({ value: child, path: childPath });
      }
    }
    return found;
  }

  /** Objects in the tree (the holder excluded), with their paths. */
  objects(): Array<{ object: JsonObject; path: string }> {
    return this.slots().flatMap((slot) => {
      const value = get(slot);
      return value !== null && typeof value === "object" && !Array.isArray(value)
        ? [{ object: value, path: slot.path }]
        : [];
    });
  }

  render(): string {
    return (JSON.stringify(this.holder.root) ?? "null").replace(
      RENDERED_MARK,
      (_m, index: string) => this.raws[Number(index)] ?? "null",
    );
  }
}

export function get(slot: Slot): Json {
  return (slot.container as Record<string | number, Json>)[slot.key] ?? null;
}

export function set(slot: Slot, value: Json): void {
  (slot.container as Record<string | number, Json>)[slot.key] = value;
}

export function remove(slot: Slot): void {
  if (Array.isArray(slot.container)) slot.container.splice(Number(slot.key), 1);
  else delete slot.container[String(slot.key)];
}

/** Puts `key: value` into `object` at entry position `position` (objects keep insertion order). */
export function insertEntry(object: JsonObject, key: string, value: Json, position: number): void {
  const entries = Object.entries(object);
  entries.splice(Math.min(position, entries.length), 0, [key, value]);
  for (const k of Object.keys(object)) delete object[k];
  for (const [k, v] of entries) object[k] = v;
}

/** The displayed path, without the holder's `root`. */
export function shortPath(path: string): string {
  return path.replace(/^root\.?/, "") || "(root)";
}
