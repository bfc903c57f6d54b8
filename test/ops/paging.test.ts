import { decodeCursor, encodeCursor, pageOf, type Pageable } from "../../lib/ops/paging";

function rows(count: number): Pageable[] {
  // Pairs share a created time (the extension reports whole seconds), so the tie-break matters.
  return Array.from({ length: count }, (_, i) => ({
    instanceId: `capture-${String(i).padStart(3, "0")}`,
    createdTime: new Date(Date.UTC(2026, 2, 10, 12, 0, Math.floor(i / 2))),
  }));
}

function walk(all: Pageable[], top: number): string[][] {
  const pages: string[][] = [];
  let token: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = pageOf(all, top, token ? decodeCursor(token) : undefined);
    pages.push(page.items.map((r) => r.instanceId));
    token = page.continuationToken;
    if (!token) return pages;
  }
  throw new Error("paging did not end");
}

test("newest first; every row exactly once across pages; no token on the last page", () => {
  const all = rows(23);
  const pages = walk(all, 5);
  expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
  const seen = pages.flat();
  expect(new Set(seen).size).toBe(23);
  expect(seen[0]).toBe("capture-022");
  expect(seen.at(-1)).toBe("capture-001");
  expect(pageOf(all, 50)).toMatchObject({ matched: 23 });
  expect(pageOf(all, 50).continuationToken).toBeUndefined();
});

test("a capture created between two page requests neither shifts nor repeats the next page", () => {
  const all = rows(10);
  const first = pageOf(all, 4);
  const newer = { instanceId: "capture-new", createdTime: new Date(Date.UTC(2026, 2, 10, 13)) };
  const second = pageOf([newer, ...all], 4, decodeCursor(first.continuationToken as string));
  expect(second.items.map((r) => r.instanceId)).toEqual(
    pageOf(all, 4, decodeCursor(first.continuationToken as string)).items.map((r) => r.instanceId),
  );
  expect(second.items.map((r) => r.instanceId)).not.toContain(first.items[3]?.instanceId);
});

test("cursors round-trip; anything else is not a cursor", () => {
  const cursor = { createdTime: 1_773_144_000_000, instanceId: "capture-web01-0123456789" };
  expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  for (const bad of [
    "",
    "%%%",
    Buffer.from("[1]").toString("base64url"),
    Buffer.from('["x","y"]').toString("base64url"),
    Buffer.from("{}").toString("base64url"),
  ]) {
    expect(decodeCursor(bad)).toBeUndefined();
  }
});
