/**
 * lib/ is layered by folder (domain at the bottom, workflow above azure, …). A folder that
 * imports a folder importing it back ties the two together for good; this keeps the graph
 * acyclic by reading the relative imports of every lib/ source file.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

const LIB = path.join(__dirname, "..", "..", "lib");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** Folder → the other lib/ folders its files import. */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sources(LIB)) {
    const from = path.relative(LIB, file).split(path.sep)[0]!;
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const [, spec] of readFileSync(file, "utf8").matchAll(/from "(\.{1,2}\/[^"]+)"/g)) {
      const target = path.relative(LIB, path.resolve(path.dirname(file), spec!));
      const to = target.split(path.sep)[0]!;
      if (!target.startsWith("..") && to !== from) edges.add(to);
    }
  }
  return graph;
}

/** A cycle as a path of folders, or undefined. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const visit = (node: string, trail: string[]): string[] | undefined => {
    if (state.get(node) === "visiting") return [...trail.slice(trail.indexOf(node)), node];
    if (state.get(node) === "done") return undefined;
    state.set(node, "visiting");
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next, [...trail, node]);
      if (cycle) return cycle;
    }
    state.set(node, "done");
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node, []);
    if (cycle) return cycle;
  }
  return undefined;
}

describe("lib/ folder dependencies", () => {
  test("the finder sees a cycle when there is one", () => {
    const graph = new Map([
      ["a", new Set(["b"])],
      ["b", new Set(["c"])],
      ["c", new Set(["a"])],
    ]);
    expect(findCycle(graph)).toEqual(["a", "b", "c", "a"]);
  });

  test("no folder imports a folder that imports it back", () => {
    const graph = folderGraph();
    expect(graph.get("workflow")).toContain("azure");
    expect(findCycle(graph)).toBeUndefined();
  });
});
