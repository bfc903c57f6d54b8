// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Host process configuration: environment variables (as App Service passes them) plus the app's
 * host.json, read the way the Functions host reads it.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { VersioningSettings } from "../durable/versioning";
import type { DevSignIn } from "./easyAuth";
import type { HostKeys } from "./hostKeys";

/** Environment variables the host process reads. App settings are the rest of process.env, as in Azure. */
export const hostEnv = {
  appDir: "LOCAL_FUNCTIONS_APP_DIR",
  port: "LOCAL_FUNCTIONS_PORT",
  masterKey: "LOCAL_FUNCTIONS_MASTER_KEY",
  functionKey: "LOCAL_FUNCTIONS_FUNCTION_KEY",
  systemKey: "LOCAL_FUNCTIONS_SYSTEM_KEY",
  taskHub: "LOCAL_FUNCTIONS_TASK_HUB",
  clock: "LOCAL_FUNCTIONS_CLOCK",
  maxRequestBytes: "LOCAL_FUNCTIONS_MAX_REQUEST_BYTES",
  /** JSON `{name, roles}`: emulate App Service Authentication, signing browsers in as this user. */
  devSignIn: "LOCAL_FUNCTIONS_DEV_SIGN_IN",
  storage: "AzureWebJobsStorage",
} as const;

export interface HostConfig {
  appDir: string;
  /** 0 = any free port (reported to a parent process over IPC). */
  port: number;
  keys: HostKeys;
  storageConnectionString: string;
  taskHub: string;
  clock: "real" | "skip";
  maxRequestBodyBytes: number;
  routePrefix: string;
  maxConcurrentActivities: number;
  versioning: VersioningSettings;
  devSignIn?: DevSignIn;
}

/** Azure's limit on an HTTP trigger request (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT default). */
export const azureMaxRequestBodyBytes = 104_857_600;

interface HostJson {
  extensions?: {
    http?: { routePrefix?: string };
    durableTask?: {
      hubName?: string;
      maxConcurrentActivityFunctions?: number;
      defaultVersion?: string;
      versionMatchStrategy?: VersioningSettings["matchStrategy"];
      versionFailureStrategy?: VersioningSettings["failureStrategy"];
    };
  };
}

export function readHostConfig(env: NodeJS.ProcessEnv): HostConfig {
  const appDir = path.resolve(env[hostEnv.appDir] ?? process.cwd());
  const hostJson = readHostJson(appDir);
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} must be set`);
    return value;
  };
  const clock = env[hostEnv.clock] ?? "real";
  if (clock !== "real" && clock !== "skip")
    throw new Error(`${hostEnv.clock} must be "real" or "skip"`);
  const taskHub =
    env[hostEnv.taskHub] ??
    resolveAppSettings(hostJson.extensions?.durableTask?.hubName ?? "TestHubName", env, "hubName");
  if (!/^[A-Za-z][A-Za-z0-9]{2,44}$/.test(taskHub))
    throw new Error(
      `task hub name "${taskHub}" must be 3–45 letters/digits starting with a letter`,
    );
  const devSignIn = env[hostEnv.devSignIn];
  return {
    appDir,
    port: Number(env[hostEnv.port] ?? 7071),
    keys: {
      master: required(hostEnv.masterKey),
      function: required(hostEnv.functionKey),
      system: required(hostEnv.systemKey),
    },
    storageConnectionString: required(hostEnv.storage),
    taskHub,
    clock,
    maxRequestBodyBytes: Number(env[hostEnv.maxRequestBytes] ?? azureMaxRequestBodyBytes),
    routePrefix: hostJson.extensions?.http?.routePrefix ?? "api",
    maxConcurrentActivities: hostJson.extensions?.durableTask?.maxConcurrentActivityFunctions ?? 10,
    versioning: versioningOf(hostJson),
    ...(devSignIn !== undefined && { devSignIn: parseDevSignIn(devSignIn) }),
  };
}

/** The extension's defaults: CurrentOrOlder, Reject; no defaultVersion means versioning is off. */
function versioningOf(hostJson: HostJson): VersioningSettings {
  const durable = hostJson.extensions?.durableTask;
  const matchStrategy = durable?.versionMatchStrategy ?? "CurrentOrOlder";
  const failureStrategy = durable?.versionFailureStrategy ?? "Reject";
  if (!["None", "Strict", "CurrentOrOlder"].includes(matchStrategy))
    throw new Error(
      `host.json versionMatchStrategy "${matchStrategy}" must be None, Strict or CurrentOrOlder`,
    );
  if (!["Reject", "Fail"].includes(failureStrategy))
    throw new Error(`host.json versionFailureStrategy "${failureStrategy}" must be Reject or Fail`);
  return { defaultVersion: durable?.defaultVersion ?? "", matchStrategy, failureStrategy };
}

function readHostJson(appDir: string): HostJson {
  try {
    return JSON.parse(readFileSync(path.join(appDir, "host.json"), "utf8")) as HostJson;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
}

function parseDevSignIn(json: string): DevSignIn {
  const value = JSON.parse(json) as Partial<DevSignIn>;
  if (
    typeof value.name !== "string" ||
    !Array.isArray(value.roles) ||
    !value.roles.every((r) => typeof r === "string")
  )
    throw new Error(`${hostEnv.devSignIn} must be JSON {"name": "...", "roles": ["..."]}`);
  return { name: value.name, roles: value.roles };
}

/**
 * host.json's `%AppSetting%` references, resolved as the Durable extension resolves hubName
 * (NameResolverExtensions.TryResolveWholeString over app settings). An unset setting leaves the
 * literal `%NAME%` in Azure, which is no valid task hub name, so the host does not start; here
 * the same case is an error that names the setting.
 */
export function resolveAppSettings(value: string, env: NodeJS.ProcessEnv, field: string): string {
  return value.replace(/%([^%]+)%/g, (_, name: string) => {
    const setting = env[name];
    if (!setting)
      throw new Error(
        `host.json ${field} "${value}": app setting ${name} is not set (give each app and slot its own value)`,
      );
    return setting;
  });
}
