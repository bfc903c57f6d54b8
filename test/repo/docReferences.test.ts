/**
 * A clone must be self-contained: every Markdown document a file of ours cites must exist in the
 * repo. A citation is ours when it is a bare file name or starts in one of our folders; a path in
 * someone else's repository (Microsoft's docs, a URL) is a source, not a document we ship.
 * docs/reference/ and vendored specs and schemas quote such paths on purpose and are left out.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const CITATION = /(?<![\w/.:-])((?:\.{0,2}\/)?[\w./-]*[\w-]+\.md)\b/g;

function trackedTextFiles(): string[] {
  return execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" })
    .split("\n")
    .filter((f) => /\.(ts|md|json|js|mjs|sh)$/.test(f))
    .filter(
      (f) => !/^(docs\/reference|deploy\/schemas|test\/contract\/azure-rest-api-specs)\//.test(f),
    )
    .filter((f) => f !== "package-lock.json")
    .filter((f) => f !== path.relative(ROOT, __filename)); // its own examples name a missing one
}

/** A bare name, or a path whose first folder is one of ours (from the root or the citing file). */
function ours(file: string): (doc: string) => boolean {
  return (doc) => {
    const first = doc.replace(/^\.\//, "").split("/")[0] ?? "";
    if (!doc.includes("/") || first === "..") return true;
    return (
      existsSync(path.join(ROOT, first)) || existsSync(path.join(ROOT, path.dirname(file), first))
    );
  };
}

function missingCitations(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const cited = [...text.matchAll(CITATION)].map((m) => m[1] ?? "");
  return cited
    .filter(ours(file))
    .filter(
      (doc) =>
        !existsSync(path.join(ROOT, doc)) && !existsSync(path.join(ROOT, path.dirname(file), doc)),
    );
}

test("no file cites a Markdown document the repo lacks", () => {
  const missing = trackedTextFiles().flatMap((file) =>
    missingCitations(file).map((doc) => `${file} → ${doc}`),
  );
  expect(missing).toEqual([]);
});

test("the check sees a citation of a missing document", () => {
  expect([..."see DESIGN.md and docs/design.md".matchAll(CITATION)].map((m) => m[1])).toEqual([
    "DESIGN.md",
    "docs/design.md",
  ]);
  expect(existsSync(path.join(ROOT, "DESIGN.md"))).toBe(false);
});
