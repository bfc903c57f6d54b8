// Builds the zip that `az functionapp deploy` uploads: the compiled app (dist/functions,
// orchestrators, activities, lib), host.json, a package.json holding only what the worker reads, and
// the production dependencies exactly as package-lock.json resolved them — copied from node_modules,
// so packaging needs no network and ships the versions the tests ran against. Dev dependencies (the
// Node binary, Azurite, jest, the local runtime's tools) and local/, bench/, test/, scripts/ stay out.
//
// Usage: node scripts/package.mjs [--out DIR]   (npm run package builds first, then runs this)
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const outIndex = process.argv.indexOf("--out");
const outDir = outIndex > 0 ? process.argv[outIndex + 1] : join(root, ".package");
if (!outDir) throw new Error("--out needs a directory");
const APP_DIRS = ["functions", "orchestrators", "activities", "lib"];
const ZIP_NAME = "alert-packet-capture.zip";

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
for (const dir of APP_DIRS) {
  if (!existsSync(join(root, "dist", dir)))
    throw new Error(`dist/${dir} is missing: run "npm run build" first (npm run package does)`);
}

/**
 * Hard-links a tree into the staging directory (zip reads the same bytes; copying 200 MB of
 * dependencies would dominate the run), following symlinks, skipping what `skip` names.
 */
function stageTree(source, target, skip = () => false) {
  mkdirSync(target, { recursive: true });
  for (const name of readdirSync(source)) {
    const from = join(source, name);
    if (skip(from)) continue;
    const to = join(target, name);
    if (statSync(from).isDirectory()) stageTree(from, to, skip);
    else {
      try {
        linkSync(realpathSync(from), to);
      } catch {
        copyFileSync(from, to);
      }
    }
  }
}

const stage = join(outDir, "app");
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

for (const dir of APP_DIRS) stageTree(join(root, "dist", dir), join(stage, "dist", dir));
copyFileSync(join(root, "host.json"), join(stage, "host.json"));
writeFileSync(
  join(stage, "package.json"),
  JSON.stringify(
    {
      name: pkg.name,
      version: pkg.version,
      private: true,
      main: pkg.main,
      engines: pkg.engines,
      dependencies: pkg.dependencies,
    },
    null,
    2,
  ),
);

// package-lock v3 marks every package only dev dependencies reach with dev (or devOptional); the
// rest is the production closure, nested copies included. Optional packages for another platform
// are in the lock but not on disk, and are not needed here.
let copied = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  if (!path.startsWith("node_modules/") || entry.dev || entry.devOptional || entry.link) continue;
  const source = join(root, path);
  if (!existsSync(source)) {
    if (entry.optional) continue;
    throw new Error(`${path} is in package-lock.json but not installed: run "npm ci"`);
  }
  // Nested node_modules are lock entries of their own, filtered by the same rule.
  const nested = join(source, "node_modules");
  stageTree(source, join(stage, path), (file) => file === nested);
  copied += 1;
}

const zipPath = join(outDir, ZIP_NAME);
rmSync(zipPath, { force: true });
execFileSync("zip", ["-q", "-r", "-X", zipPath, "."], { cwd: stage, stdio: "inherit" });
console.log(`${zipPath}: the app and ${copied} production packages`);
