/**
 * Paging over capture lists. durable-functions v3's getStatusBy follows the extension's
 * continuation tokens itself and returns the whole filtered list (it exposes neither `top` nor
 * the token), so the ops API pages that list on its own: newest first, and an opaque keyset
 * cursor (created time + instance ID of the last row) that stays correct while new captures
 * arrive between pages, unlike an offset.
 */

export interface Cursor {
  createdTime: number;
  instanceId: string;
}

export interface Pageable {
  instanceId: string;
  createdTime: Date;
}

export interface Page<T> {
  items: T[];
  /** Rows matching the filter, on every page. */
  matched: number;
  /** Pass back to get the next page; absent on the last one. */
  continuationToken?: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.createdTime, cursor.instanceId]), "utf8").toString(
    "base64url",
  );
}

export function decodeCursor(token: string): Cursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isSafeInteger(value[0]) &&
      typeof value[1] === "string"
    ) {
      return { createdTime: value[0] as number, instanceId: value[1] };
    }
  } catch {
    // Not ours (or damaged in transit): the caller answers 400.
  }
  return undefined;
}

/** Newest first; instance ID breaks ties (created times have one-second precision in the extension's answers). */
function newestFirst(a: Pageable, b: Pageable): number {
  return (
    b.createdTime.getTime() - a.createdTime.getTime() ||
    (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0)
  );
}

function isAfter(row: Pageable, cursor: Cursor): boolean {
  const t = row.createdTime.getTime();
  return t < cursor.createdTime || (t === cursor.createdTime && row.instanceId > cursor.instanceId);
}

export function pageOf<T extends Pageable>(
  rows: readonly T[],
  top: number,
  cursor?: Cursor,
): Page<T> {
  const sorted = [...rows].sort(newestFirst);
  const remaining = cursor ? sorted.filter((row) => isAfter(row, cursor)) : sorted;
  const items = remaining.slice(0, top);
  const last = items[items.length - 1];
  const more = remaining.length > items.length && last !== undefined;
  return {
    items,
    matched: rows.length,
    ...(more && {
      continuationToken: encodeCursor({
        createdTime: last.createdTime.getTime(),
        instanceId: last.instanceId,
      }),
    }),
  };
}
