// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Provides the `@azure/functions-core` module the Node worker normally injects, so that
 * @azure/functions leaves test mode and hands every registration (app.http, df.app.orchestration,
 * df.app.activity, …) to this host — the app's registrations are the only list of functions.
 */
import Module from "node:module";
import * as path from "node:path";
import type {
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  HookName,
  ProgrammingModel,
  RpcLogCategory,
  RpcLogLevel,
} from "./coreTypes";

export interface RegisteredFunction {
  metadata: FunctionMetadata;
  callback: FunctionCallback;
}

class Disposable {
  static from(...items: Array<{ dispose: () => unknown }>): Disposable {
    return new Disposable(() => items.forEach((item) => item.dispose()));
  }

  constructor(private readonly onDispose: () => unknown) {}

  dispose(): unknown {
    return this.onDispose();
  }
}

/** What the app registered through the core API. */
export class FunctionRegistry {
  readonly functions = new Map<string, RegisteredFunction>();
  readonly hooks: Record<HookName, HookCallback[]> = {
    preInvocation: [],
    postInvocation: [],
    appStart: [],
    appTerminate: [],
  };
  readonly appHookData: Record<string, unknown> = {};
  programmingModel: ProgrammingModel | undefined;
  private locked = false;
  /**
   * byTrigger's answers by lower-cased trigger type. The engine asks on every episode and
   * activity, and the list only changes while the app registers, so it is kept until a change.
   */
  private readonly triggerIndex = new Map<string, readonly RegisteredFunction[]>();

  /** Registration is only allowed while the app's entry points load, as in the worker. */
  lock(): void {
    this.locked = true;
  }

  register(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
    if (this.locked) throw new Error("A function can only be registered during app startup.");
    const id = metadata.functionId ?? metadata.name;
    if (this.functions.has(id))
      throw new Error(`A function with id "${id}" has already been registered.`);
    this.functions.set(id, { metadata, callback });
    this.triggerIndex.clear();
    return new Disposable(() => {
      this.functions.delete(id);
      this.triggerIndex.clear();
    });
  }

  addHook(name: string, callback: HookCallback): Disposable {
    const list = this.hooks[name as HookName];
    if (!list) throw new Error(`Unknown hook "${name}"`);
    list.push(callback);
    return new Disposable(() => list.splice(list.indexOf(callback), 1));
  }

  async runHooks(name: HookName, context: Record<string, unknown>): Promise<void> {
    for (const hook of [...this.hooks[name]]) await hook(context);
  }

  /** Functions whose trigger binding has the given type (e.g. "orchestrationTrigger"). */
  byTrigger(type: string): readonly RegisteredFunction[] {
    const key = type.toLowerCase();
    let found = this.triggerIndex.get(key);
    if (!found) {
      found = [...this.functions.values()].filter((f) => triggerOf(f)?.type?.toLowerCase() === key);
      this.triggerIndex.set(key, found);
    }
    return found;
  }
}

export function triggerOf(
  fn: RegisteredFunction,
): (Record<string, unknown> & { type?: string | null; name: string }) | undefined {
  for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
    if (typeof binding.type === "string" && /trigger$/i.test(binding.type))
      return { ...binding, name };
  }
  return undefined;
}

export const coreModuleName = "@azure/functions-core";

/**
 * Makes `require("@azure/functions-core")` return this host's API, by resolving that one name
 * to a module already in require's cache. Must run before @azure/functions is first required.
 */
export function installCoreApi(
  registry: FunctionRegistry,
  log: (level: RpcLogLevel, category: RpcLogCategory, message: string) => void,
  hostVersion: string,
): void {
  const coreApi = {
    version: "3.10.1",
    hostVersion,
    registerFunction: (metadata: FunctionMetadata, callback: FunctionCallback) =>
      registry.register(metadata, callback),
    registerHook: (name: string, callback: HookCallback) => registry.addHook(name, callback),
    setProgrammingModel: (model: ProgrammingModel) => {
      registry.programmingModel = model;
    },
    getProgrammingModel: () => registry.programmingModel,
    log,
    Disposable,
  };
  const virtualFile = path.join(__dirname, "__azure-functions-core__.js");
  const coreModule = new Module(virtualFile);
  coreModule.filename = virtualFile;
  coreModule.loaded = true;
  coreModule.exports = coreApi;
  require.cache[virtualFile] = coreModule;

  // Boundary: Module._resolveFilename is Node's (undocumented but stable) resolver hook; it is not in @types/node.
  const moduleInternals = Module as unknown as {
    _resolveFilename: (request: string, ...rest: unknown[]) => string;
  };
  const resolve = moduleInternals._resolveFilename;
  moduleInternals._resolveFilename = function (
    this: unknown,
    request: string,
    ...rest: unknown[]
  ): string {
    return request === coreModuleName ? virtualFile : resolve.call(this, request, ...rest);
  };
}
