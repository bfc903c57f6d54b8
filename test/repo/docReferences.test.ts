/**
 * A clone must be self-contained: every Markdown document a file of ours cites must exist in the
 * repo (docs/reference/ quotes Microsoft's documentation paths on purpose and is left out).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const CITATION = /(?<![\w/.-])((?:\.{0,2}\/)?[\w./-]*[\w-]+\.md)\b/g;

function trackedTextFiles(): string[] {
  return execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" })
    .split("\n")
    .filter((f) => /\.(ts|md|json|js|mjs|sh)$/.test(f))
    .filter((f) => !f.startsWith("docs/reference/") && f !== "package-lock.json")
    .filter((f) => f !== path.relative(ROOT, __filename)); // its own examples name a missing one
}

function missingCitations(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const cited = [...text.matchAll(CITATION)].map((m) => m[1] ?? "");
  return cited.filter(
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
