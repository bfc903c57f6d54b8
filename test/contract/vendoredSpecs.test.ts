/**
 * The vendored specs are exactly the extract specExtract.ts cuts for the app's operations: cutting
 * them again from themselves changes nothing. So every `$ref` resolves (a missing target throws),
 * nothing unreachable was kept, and no vendored spec file is left over. That the kept content is
 * Microsoft's, unchanged, is the provenance in README.md (source path and commit per file).
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { directoryReader, extractSpec } from "./support/specExtract";
import { CONTRACT_DIR, SPEC_MIRROR, VENDORED_SPECS } from "./support/vendoredSpecs";

const read = directoryReader(CONTRACT_DIR);
const cut = extractSpec(read, VENDORED_SPECS);

test.each([...cut.keys()])("%s is closed and minimal for the app's operations", (file) => {
  expect(cut.get(file)).toEqual(read(file));
});

test("every vendored spec file (examples aside) is part of the extract", () => {
  const vendored = readdirSync(path.join(CONTRACT_DIR, SPEC_MIRROR), {
    recursive: true,
    encoding: "utf8",
  })
    .map((f) => `${SPEC_MIRROR}/${f.split(path.sep).join("/")}`)
    .filter((f) => f.endsWith(".json") && !f.split("/").includes("examples"));
  expect(vendored.length).toBeGreaterThanOrEqual(6);
  expect(vendored.filter((f) => !cut.has(f))).toEqual([]);
});
