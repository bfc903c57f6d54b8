// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Loads a function app as the Node worker's startApp does: every file matching package.json's
 * `main` (a glob) is required in order; their registrations land in the registry; then
 * registration is locked and appStart hooks run.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { glob } from "tinyglobby";
import type { FunctionRegistry } from "./coreApi";

export async function loadApp(appDir: string, registry: FunctionRegistry): Promise<string[]> {
  const packageJson = JSON.parse(readFileSync(path.join(appDir, "package.json"), "utf8")) as {
    main?: string;
  };
  const pattern = packageJson.main ?? "index.js";
  const files = (await glob(pattern, { cwd: appDir })).sort();
  if (files.length === 0)
    throw new Error(
      `Found zero files matching the package.json "main" pattern "${pattern}" in ${appDir}`,
    );
  for (const file of files) {
    try {
      // The Node worker loads entry files with require(), and so must we to be faithful to it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(path.join(appDir, file));
    } catch (error) {
      throw new Error(
        `Worker was unable to load entry point "${file}": ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
  registry.lock();
  await registry.programmingModel?.getCapabilities?.({});
  await registry.runHooks("appStart", {
    hookData: {},
    appHookData: registry.appHookData,
    functionAppDirectory: appDir,
  });
  return files;
}
