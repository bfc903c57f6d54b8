/**
 * Child-process entry for test/deploy/package.test.ts: loads an unpacked deployment zip the way
 * Azure's Node worker does (every file of package.json `main`, in order, with require, stopping at
 * the first that throws) and prints what registered as JSON. It runs under the Node 22 binary the
 * test picks, with whatever flags the test passes, so the packaged code meets the worker's loader.
 */
import { FunctionRegistry, installCoreApi, triggerOf } from "../../../local/host/coreApi";
import { loadApp } from "../../../local/host/appLoader";

/** What the child prints on stdout. */
export interface PackagedLoad {
  files?: string[];
  functions?: Array<{ name: string; trigger: string | undefined }>;
  error?: string;
}

async function main(appDir: string): Promise<PackagedLoad> {
  const registry = new FunctionRegistry();
  installCoreApi(registry, () => undefined, "4.1000.0");
  try {
    const files = await loadApp(appDir, registry);
    const functions = [...registry.functions.values()].map((fn) => ({
      name: fn.metadata.name,
      trigger: triggerOf(fn)?.type ?? undefined,
    }));
    return { files, functions };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

if (require.main === module) {
  void main(process.argv[2] ?? ".").then((result) => {
    process.stdout.write(JSON.stringify(result));
    process.exit(result.error ? 1 : 0);
  });
}
