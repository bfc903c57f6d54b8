/**
 * Extracts from Azure REST API spec files only what some operations reach: their path items, and
 * every definition, parameter and response their `$ref`s lead to, transitively and across files
 * (an RP's spec into its common types and ARM's common-types). Kept keys and values are copied
 * unchanged; `x-ms-examples` are kept but not followed (examples are vendored one by one).
 *
 * The vendored extracts under ../azure-rest-api-specs were cut this way. To redo one from a full
 * checkout of Azure/azure-rest-api-specs (nothing here fetches it):
 *
 *   npx tsc -p tsconfig.json
 *   node dist/test/contract/support/specExtract.js <checkout> <entry swagger, relative> <out dir> <operationId>...
 *   npx prettier --write <out dir>
 *
 * and `vendoredSpecs.test.ts` checks the vendored files are such an extract: closed (every `$ref`
 * resolves) and minimal (nothing kept that the operations do not reach).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Top-level sections whose entries are kept one by one, as reached. */
const SECTIONS = ["definitions", "parameters", "responses"] as const;
type Section = (typeof SECTIONS)[number];
const HTTP_METHODS = new Set(["get", "put", "post", "patch", "delete", "head", "options"]);

/** Reads a spec file by its path relative to the spec root. */
export type SpecReader = (relPath: string) => JsonObject;

/** Spec files read from a directory (the root that holds `specification/`). */
export function directoryReader(root: string): SpecReader {
  return (relPath) => JSON.parse(readFileSync(path.join(root, relPath), "utf8")) as JsonObject;
}

/** An entry swagger (relative to the spec root, `/`-separated) and the operations to keep from it. */
export interface ExtractEntry {
  entry: string;
  operations: readonly string[];
}

/**
 * The extract of each entry for its operations, and of every file their references reach (files
 * shared by several entries keep the union): relative path → extracted document. Throws when an
 * operation is missing or a reference does not resolve.
 */
export function extractSpec(
  read: SpecReader,
  entries: readonly ExtractEntry[],
): Map<string, JsonObject> {
  const docs = new Map<string, JsonObject>();
  const load = (file: string): JsonObject => {
    let doc = docs.get(file);
    if (!doc) docs.set(file, (doc = read(file)));
    return doc;
  };
  const kept = new Map<string, Map<Section, Set<string>>>();
  const queue: Array<{ file: string; section: Section; name: string }> = [];
  const keep = (file: string, ref: string): void => {
    const [target = "", pointer = ""] = ref.split("#");
    const resolved = target ? path.posix.join(path.posix.dirname(file), target) : file;
    const match = /^\/(definitions|parameters|responses)\/([^/]+)$/.exec(pointer);
    if (!match) throw new Error(`${file}: unsupported $ref ${ref}`);
    const section = match[1] as Section;
    const name = match[2] ?? "";
    const sections = kept.get(resolved) ?? new Map<Section, Set<string>>();
    kept.set(resolved, sections);
    const names = sections.get(section) ?? new Set<string>();
    sections.set(section, names);
    if (names.has(name)) return;
    names.add(name);
    queue.push({ file: resolved, section, name });
  };

  const cutPaths = new Map<string, { paths: JsonObject; tags: Set<string> }>();
  for (const { entry, operations } of entries) {
    const wanted = new Set(operations);
    const paths: JsonObject = {};
    const tags = new Set<string>();
    for (const [route, item] of Object.entries(asObject(load(entry)["paths"]))) {
      const methods = Object.entries(asObject(item)).filter(
        ([method, op]) =>
          HTTP_METHODS.has(method) && wanted.delete(String(asObject(op)["operationId"])),
      );
      if (methods.length === 0) continue;
      const keptItem: JsonObject = {};
      for (const [key, value] of Object.entries(asObject(item)))
        if (!HTTP_METHODS.has(key) || methods.some(([method]) => method === key))
          keptItem[key] = value;
      paths[route] = keptItem;
      for (const ref of refsIn(keptItem)) keep(entry, ref);
      for (const [, op] of methods)
        for (const tag of asArray(asObject(op)["tags"])) tags.add(String(tag));
    }
    if (wanted.size > 0) throw new Error(`${entry}: no operation ${[...wanted].join(", ")}`);
    cutPaths.set(entry, { paths, tags });
  }

  for (let item = queue.shift(); item; item = queue.shift()) {
    const node = asObject(load(item.file)[item.section])[item.name];
    if (node === undefined)
      throw new Error(`${item.file}: no ${item.section}/${item.name} (a $ref leads there)`);
    for (const ref of refsIn(node)) keep(item.file, ref);
  }

  const extracts = new Map<string, JsonObject>();
  for (const [file, doc] of docs) {
    const sections = kept.get(file);
    const cut = cutPaths.get(file);
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(doc)) {
      if (cut && key === "paths") out[key] = cut.paths;
      else if (cut && key === "tags")
        out[key] = asArray(value).filter((t) => cut.tags.has(String(asObject(t)["name"])));
      else if ((SECTIONS as readonly string[]).includes(key)) {
        const names = sections?.get(key as Section) ?? new Set<string>();
        out[key] = Object.fromEntries(
          Object.entries(asObject(value)).filter(([name]) => names.has(name)),
        );
      } else out[key] = value;
    }
    extracts.set(file, out);
  }
  return extracts;
}

/** Every `$ref` (and LRO `final-state-schema`) under `node`, skipping `x-ms-examples`. */
function refsIn(node: Json): string[] {
  if (Array.isArray(node)) return node.flatMap(refsIn);
  if (typeof node !== "object" || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => {
    if (key === "x-ms-examples") return [];
    if ((key === "$ref" || key === "final-state-schema") && typeof value === "string")
      return [value];
    return refsIn(value);
  });
}

function asObject(value: Json | undefined): JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
}

function asArray(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}

if (require.main === module) {
  const [root, entry, outDir, ...operationIds] = process.argv.slice(2);
  if (!root || !entry || !outDir || operationIds.length === 0) {
    console.error("usage: specExtract <spec root> <entry swagger> <out dir> <operationId>...");
    process.exit(2);
  }
  for (const [file, doc] of extractSpec(directoryReader(root), [
    { entry, operations: operationIds },
  ])) {
    mkdirSync(path.dirname(path.join(outDir, file)), { recursive: true });
    writeFileSync(path.join(outDir, file), `${JSON.stringify(doc, null, 2)}\n`);
    console.log(file);
  }
}
