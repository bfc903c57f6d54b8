/**
 * `npm run package` makes the zip `az functionapp deploy` uploads. Packaged once for this file,
 * its listing compared with the staged tree it was made from, and that tree loaded the way Azure's
 * Node worker loads it: every file of package.json `main`,
 * with require, production dependencies only, on the project's Node 22 with require(esm) off — the
 * setting under which an ESM-only dependency reached by a static import stops the worker's entry
 * loop and every function after it is lost.
 * Relies on a fresh `npm run build` (npm test builds before jest).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PackagedLoad } from "./support/loadPackagedApp";

const ROOT = join(__dirname, "..", "..");
const NODE22 = join(ROOT, "node_modules", ".bin", "node");
const LOADER = join(ROOT, "dist", "test", "deploy", "support", "loadPackagedApp.js");
const work = mkdtempSync(join(tmpdir(), "package-test-"));
const staged = join(work, "app");

const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
  packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
};
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  main: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function load(appDir: string, flags: string[]): PackagedLoad {
  const run = spawnSync(NODE22, [...flags, LOADER, appDir], { encoding: "utf8", timeout: 120_000 });
  return JSON.parse(run.stdout || JSON.stringify({ error: run.stderr })) as PackagedLoad;
}

/** Every path in the tree, relative, directories with a trailing slash. */
function listTree(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? [`${prefix}${entry.name}/`, ...listTree(join(dir, entry.name), `${prefix}${entry.name}/`)]
      : [`${prefix}${entry.name}`],
  );
}

let tree: string[] = [];

beforeAll(() => {
  if (!existsSync(LOADER)) throw new Error("dist is missing: run npm run build first");
  execFileSync(process.execPath, [join(ROOT, "scripts", "package.mjs"), "--out", work], {
    stdio: "pipe",
  });
  tree = listTree(staged);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("npm run package", () => {
  test("the zip holds exactly the staged tree the load test below reads", () => {
    const listing = execFileSync("unzip", ["-Z1", join(work, "alert-packet-capture.zip")], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(listing.split("\n").filter(Boolean).sort()).toEqual([...tree].sort());
  });

  test("the project's Node is 22 (the version the Flex app runs)", () => {
    expect(execFileSync(NODE22, ["--version"], { encoding: "utf8" })).toMatch(/^v22\./);
  });

  test("holds the compiled app and host.json, not local/, bench/, test/, scripts/ or sources", () => {
    expect(tree).toEqual(expect.arrayContaining(["host.json", "package.json", "dist/functions/"]));
    const strays = tree.filter(
      (p) =>
        /^(dist\/)?(local|bench|test|scripts|\.local|\.ci)\//.test(p) ||
        (/\.ts$/.test(p) && !p.startsWith("node_modules/")),
    );
    expect(strays).toEqual([]);
  });

  test("ships production dependencies only: no dev package, no Node binary", () => {
    const top = (name: string) => tree.includes(`node_modules/${name}/`);
    for (const dep of Object.keys(pkg.dependencies)) expect([dep, top(dep)]).toEqual([dep, true]);
    const devOnly = Object.entries(lock.packages)
      .filter(
        ([path, entry]) => path.startsWith("node_modules/") && (entry.dev || entry.devOptional),
      )
      .map(([path]) => `${path}/`)
      .filter((path) => tree.includes(path));
    expect(devOnly).toEqual([]);
    expect(tree.filter((p) => /(^|\/)node(\.exe)?$/.test(p) || p.includes("/.bin/"))).toEqual([]);
  });

  test("the worker's loader, Node 22 with require(esm) off, registers every function", () => {
    const result = load(staged, ["--no-experimental-require-module"]);
    expect(result.error).toBeUndefined();
    const sources = ["functions", "orchestrators", "activities"].flatMap((dir) =>
      readdirSync(join(ROOT, dir))
        .filter((f) => f.endsWith(".ts"))
        .map((f) => `dist/${dir}/${f.replace(/\.ts$/, ".js")}`),
    );
    expect(result.files?.sort()).toEqual(sources.sort());
    const triggers = new Set(result.functions?.map((f) => f.trigger));
    expect(triggers).toEqual(new Set(["httpTrigger", "orchestrationTrigger", "activityTrigger"]));
    expect(result.functions?.map((f) => f.name)).toEqual(
      expect.arrayContaining(["alertWebhook", "secureAlertWebhook", "captureOrchestrator"]),
    );
  });

  test("the same load fails on an entry that requires an ESM-only package (the check has teeth)", () => {
    const probe = join(staged, "dist", "functions", "zzEsmProbe.js");
    writeFileSync(probe, 'require("jose");\n');
    try {
      const result = load(staged, ["--no-experimental-require-module"]);
      expect(result.error).toMatch(/zzEsmProbe\.js.*(ES Module|ERR_REQUIRE_ESM)/s);
    } finally {
      rmSync(probe);
    }
  });
});
