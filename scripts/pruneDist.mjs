// Removes compiled files whose TypeScript source is gone, before each build. tsc never deletes
// outputs, and the Functions host loads every dist/{functions,orchestrators,activities}/*.js, so a
// renamed activity would otherwise stay registered twice. Only orphans go: a stack running from
// dist keeps every file it may still load.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const dist = join(root, "dist");

function prune(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      prune(path);
      continue;
    }
    const source = join(root, relative(dist, path)).replace(/\.js(\.map)?$/, ".ts");
    if (source.endsWith(".ts") && !existsSync(source)) rmSync(path);
  }
}

prune(dist);
