/**
 * App settings, read from the environment as Azure Functions provides them, validated once per
 * read so a typo in the portal surfaces as a clear message naming the setting. Values are
 * never logged: some of them are secrets.
 */
import { z } from "zod";
import { BUILT_IN_DEFAULTS, LIMITS, type CaptureDefaults } from "../domain/captureParameters";
import { DEFAULT_POLICY, POLICY_LIMITS } from "../domain/orchestrationPolicy";
import { AZURE_MONITOR_ACTION_GROUPS_APP_ID } from "../domain/azureMonitor";

const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(/[;,\s]+/)
      .map((s) => s.trim())
      .filter(Boolean),
  );

function intSetting(fallback: number, min: number, max: number) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === "") return fallback;
      const n = Number(value);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `must be a whole number in ${min}-${max}` });
        return z.NEVER;
      }
      return n;
    });
}

const webhookSchema = z.object({
  CAPTURE_STORAGE_ACCOUNT_ID: z.string().optional(),
  CAPTURE_TIME_LIMIT_SECONDS: intSetting(
    BUILT_IN_DEFAULTS.timeLimitInSeconds,
    LIMITS.timeLimitInSeconds.min,
    LIMITS.timeLimitInSeconds.max,
  ),
  CAPTURE_TOTAL_BYTES: intSetting(
    BUILT_IN_DEFAULTS.totalBytesPerSession,
    LIMITS.totalBytesPerSession.min,
    LIMITS.totalBytesPerSession.max,
  ),
  CAPTURE_BYTES_PER_PACKET: intSetting(
    BUILT_IN_DEFAULTS.bytesToCapturePerPacket,
    LIMITS.bytesToCapturePerPacket.min,
    LIMITS.bytesToCapturePerPacket.max,
  ),
  /** What an alert may ask for (captureParameters.ts CaptureCaps); over it is a 422 naming the cap. */
  CAPTURE_MAX_TIME_LIMIT_SECONDS: intSetting(3600, 1, LIMITS.timeLimitInSeconds.max),
  CAPTURE_MAX_TOTAL_BYTES: intSetting(
    LIMITS.totalBytesPerSession.max,
    0,
    LIMITS.totalBytesPerSession.max,
  ),
  CAPTURE_ALLOW_ALERT_FILTERS: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v !== "false"),
  /** After a capture of a target ends, further alerts for it within this window are answered as duplicates. */
  CAPTURE_COOLDOWN_SECONDS: intSetting(0, 0, 86400),
  /** Storage accounts an alert or direct request may name; the default account is always allowed. */
  CAPTURE_ALLOWED_STORAGE_ACCOUNT_IDS: list,
  /** Subscriptions or resource groups whose VMs may be captured; empty means any. */
  CAPTURE_ALLOWED_SCOPES: list,
  /** Most VMs one alert may capture together (its targets plus capturePeers). */
  CAPTURE_GROUP_MAX_TARGETS: intSetting(10, 1, 100),
  CAPTURE_QUOTA_WAIT_SECONDS: intSetting(
    DEFAULT_POLICY.quotaWaitSeconds,
    POLICY_LIMITS.quotaWaitSeconds.min,
    POLICY_LIMITS.quotaWaitSeconds.max,
  ),
  CAPTURE_QUOTA_RECHECK_SECONDS: intSetting(
    DEFAULT_POLICY.quotaRecheckSeconds,
    POLICY_LIMITS.quotaRecheckSeconds.min,
    POLICY_LIMITS.quotaRecheckSeconds.max,
  ),
  CAPTURE_DEADLINE_GRACE_SECONDS: intSetting(
    DEFAULT_POLICY.deadlineGraceSeconds,
    POLICY_LIMITS.deadlineGraceSeconds.min,
    POLICY_LIMITS.deadlineGraceSeconds.max,
  ),
  /** Cost guard: flight recorders armed at once per region; arming beyond it is refused. */
  RECORDER_MAX_PER_REGION: intSetting(10, 1, 10000),
  CAPTURE_SUMMARIZE: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? DEFAULT_POLICY.summarize : v === "true")),
});

export type WebhookSettings = z.infer<typeof webhookSchema>;

/**
 * The function app is misconfigured: a setting is invalid, missing, or meant for the local
 * runtime only. Not the caller's fault, so HTTP callers get 503 + Retry-After (Azure Monitor
 * retries that) and activities a `Misconfigured` failure, never a 500.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    /** The app setting to fix. */
    readonly setting: string,
    problem: string,
  ) {
    super(`app setting ${setting}: ${problem}`);
  }
}

export type SettingsRead<T> =
  { ok: true; value: T } | { ok: false; message: string; error: ConfigError };

function refused<T>(setting: string, problem: string): SettingsRead<T> {
  const error = new ConfigError(setting, problem);
  return { ok: false, message: error.message, error };
}

/**
 * Set by the local host (local/host), never in Azure: the app runs on the local runtime and may
 * use the settings below. App Service sets WEBSITE_INSTANCE_ID on every instance, so the marker
 * copied into a real app's settings by mistake still counts for nothing there.
 */
export const LOCAL_RUNTIME_MARKER = "APC_LOCAL_RUNTIME";

export function isLocalRuntime(env: NodeJS.ProcessEnv): boolean {
  return env[LOCAL_RUNTIME_MARKER] === "1" && !env.WEBSITE_INSTANCE_ID;
}

const plainHttp = (value: string) => /^http:/i.test(value.trim());

/** Settings that only make sense against local emulators, and why each is unsafe in Azure. */
const LOCAL_ONLY: ReadonlyArray<{ setting: string; applies(value: string): boolean; why: string }> =
  [
    {
      setting: "AZURE_CREDENTIAL",
      applies: (value) => value.trim().toLowerCase() === "local",
      why: "'local' is the static token of the local ARM emulator; in Azure the app signs in with its managed identity (leave it unset or 'default')",
    },
    {
      setting: "CAPTURE_STORAGE_CONNECTION_STRING",
      applies: (value) => /AccountKey=|SharedAccessSignature=|UseDevelopmentStorage=/i.test(value),
      why: "a connection string with an account key or SAS (or Azurite's) is for the local runtime; in Azure blobs are read with the managed identity, so remove the setting",
    },
    {
      setting: "AZURE_ARM_ENDPOINT",
      applies: plainHttp,
      why: "ARM over plain http would expose the access token; use https",
    },
    {
      setting: "ENTRA_JWKS_URL",
      applies: plainHttp,
      why: "signing keys fetched over plain http could be swapped in transit; use https",
    },
  ];

/** The first local-only setting present outside the local runtime, as a refusal. */
function localOnlyRefusal(env: NodeJS.ProcessEnv): SettingsRead<never> | undefined {
  if (isLocalRuntime(env)) return undefined;
  for (const rule of LOCAL_ONLY) {
    const value = env[rule.setting];
    if (value && rule.applies(value))
      return refused(rule.setting, `refused outside the local runtime: ${rule.why}`);
  }
  return undefined;
}

/**
 * The portal (and local.settings.json) leave unused settings as empty strings: those mean "not set".
 * Only the schema's own settings are looked up: the parse would drop every other variable anyway,
 * and walking the whole environment on each read (every alert, every activity) costs more than the
 * parse itself.
 */
function read<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): SettingsRead<z.output<S>> {
  const localOnly = localOnlyRefusal(env);
  if (localOnly) return localOnly;
  const present: Record<string, string> = {};
  for (const name of Object.keys(schema.shape)) {
    const value = env[name];
    if (value !== undefined && value.trim() !== "") present[name] = value;
  }
  const parsed = schema.safeParse(present);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return refused(issue?.path.join(".") || "?", issue?.message ?? "invalid");
}

export function readWebhookSettings(
  env: NodeJS.ProcessEnv = process.env,
): SettingsRead<WebhookSettings> {
  return read(webhookSchema, env);
}

export function captureDefaults(settings: WebhookSettings): CaptureDefaults {
  return {
    timeLimitInSeconds: settings.CAPTURE_TIME_LIMIT_SECONDS,
    totalBytesPerSession: settings.CAPTURE_TOTAL_BYTES,
    bytesToCapturePerPacket: settings.CAPTURE_BYTES_PER_PACKET,
    storageAccountId: settings.CAPTURE_STORAGE_ACCOUNT_ID,
    caps: {
      maxTimeLimitSeconds: settings.CAPTURE_MAX_TIME_LIMIT_SECONDS,
      maxTotalBytes: settings.CAPTURE_MAX_TOTAL_BYTES,
      alertFiltersAllowed: settings.CAPTURE_ALLOW_ALERT_FILTERS,
    },
  };
}

const authSchema = z.object({
  /** key: function keys on /api/alerts. entra: Entra ID tokens on /api/alerts/secure. both: either. */
  WEBHOOK_AUTH_MODE: z.enum(["key", "entra", "both"]).default("key"),
  ENTRA_TENANT_ID: z.string().optional(),
  /** The app registration's application ID and/or identifier URI. */
  ENTRA_AUDIENCES: list,
  /** Defaults to the tenant's v2.0 discovery keys; tests point it at a local JWKS. */
  ENTRA_JWKS_URL: z.url().optional(),
  ENTRA_REQUIRED_ROLE: z.string().default("ActionGroupsSecureWebhook"),
  /** Token clients (`azp`/`appid`) accepted; Azure Monitor's action groups (AZNS AAD Webhook) unless set. */
  ENTRA_ALLOWED_CLIENT_APP_IDS: list.transform((ids) =>
    ids.length > 0 ? ids : [AZURE_MONITOR_ACTION_GROUPS_APP_ID],
  ),
});

export type WebhookAuthSettings = z.infer<typeof authSchema>;

export function readWebhookAuthSettings(
  env: NodeJS.ProcessEnv = process.env,
): SettingsRead<WebhookAuthSettings> {
  const result = read(authSchema, env);
  if (
    result.ok &&
    result.value.WEBHOOK_AUTH_MODE !== "key" &&
    (!result.value.ENTRA_TENANT_ID || result.value.ENTRA_AUDIENCES.length === 0)
  ) {
    return refused(
      "ENTRA_TENANT_ID",
      "required, with ENTRA_AUDIENCES, when WEBHOOK_AUTH_MODE is entra or both",
    );
  }
  return result;
}

const opsAuthSchema = z.object({
  /** The Entra app role a person needs for the ops page (assign it in the app registration). */
  OPS_APP_ROLE: z.string().default("CaptureOps"),
  /** Set to `True` by App Service when App Service Authentication is on; never set it by hand. */
  WEBSITE_AUTH_ENABLED: z
    .string()
    .optional()
    .transform((v) => v?.toLowerCase() === "true"),
});

/** What the ops page's sign-in check needs (see lib/ops/principal.ts). */
export function readOpsAuthSettings(
  env: NodeJS.ProcessEnv = process.env,
): SettingsRead<{ requiredRole: string; easyAuthEnabled: boolean }> {
  const result = read(opsAuthSchema, env);
  return result.ok
    ? {
        ok: true,
        value: {
          requiredRole: result.value.OPS_APP_ROLE,
          easyAuthEnabled: result.value.WEBSITE_AUTH_ENABLED,
        },
      }
    : result;
}

const activitySchema = z.object({
  /** ARM endpoint; the local runtime points it at its emulator. */
  AZURE_ARM_ENDPOINT: z.url().default("https://management.azure.com"),
  /** Token scope; sovereign clouds need it set because the v39 SDK's default does not follow the endpoint. */
  AZURE_ARM_SCOPE: z.string().optional(),
  /** `default`: DefaultAzureCredential (managed identity in Azure). `local`: a static token for the local emulator only. */
  AZURE_CREDENTIAL: z.enum(["default", "local"]).default("default"),
  AZURE_LOCAL_TOKEN: z.string().optional(),
  /** Local runtime only: Azurite's connection string for reading `.cap` blobs. In Azure, blobs are read with the managed identity. */
  CAPTURE_STORAGE_CONNECTION_STRING: z.string().optional(),
  /** The accounts whose capture blobs activities may read, link and summarize (blobLocation.ts). */
  CAPTURE_STORAGE_ACCOUNT_ID: z.string().optional(),
  CAPTURE_ALLOWED_STORAGE_ACCOUNT_IDS: list,
  CAPTURE_SESSION_LIMIT: intSetting(10000, 1, 10000),
  /** Install the Network Watcher agent extension when it is missing, instead of failing. */
  CAPTURE_INSTALL_AGENT: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true"),
  CAPTURE_SUMMARY_MAX_BYTES: intSetting(2 * 1024 * 1024 * 1024, 0, Number.MAX_SAFE_INTEGER),
  NOTIFY_WEBHOOK_URL: z.url().optional(),
  NOTIFY_WEBHOOK_SECRET: z.string().optional(),
  NOTIFY_TEAMS_URL: z.url().optional(),
  NOTIFY_SLACK_URL: z.url().optional(),
});

export type ActivitySettings = z.infer<typeof activitySchema>;

export function readActivitySettings(
  env: NodeJS.ProcessEnv = process.env,
): SettingsRead<ActivitySettings> {
  const result = read(activitySchema, env);
  if (result.ok && result.value.AZURE_CREDENTIAL === "local" && !result.value.AZURE_LOCAL_TOKEN) {
    return refused("AZURE_LOCAL_TOKEN", "required when AZURE_CREDENTIAL is local");
  }
  return result;
}
