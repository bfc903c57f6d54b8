/**
 * App settings, read from the environment as Azure Functions provides them, validated once per
 * read so a typo in the portal surfaces as a clear message naming the setting. Values are
 * never logged: some of them are secrets.
 */
import { z } from "zod";
import { BUILT_IN_DEFAULTS, LIMITS, type CaptureDefaults } from "../domain/captureParameters";
import { DEFAULT_POLICY } from "../domain/orchestrationPolicy";

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
  /** After a capture of a target ends, further alerts for it within this window are answered as duplicates. */
  CAPTURE_COOLDOWN_SECONDS: intSetting(0, 0, 86400),
  /** Storage accounts an alert or direct request may name; the default account is always allowed. */
  CAPTURE_ALLOWED_STORAGE_ACCOUNT_IDS: list,
  /** Subscriptions or resource groups whose VMs may be captured; empty means any. */
  CAPTURE_ALLOWED_SCOPES: list,
  CAPTURE_QUOTA_WAIT_SECONDS: intSetting(DEFAULT_POLICY.quotaWaitSeconds, 0, 86400),
  CAPTURE_QUOTA_RECHECK_SECONDS: intSetting(DEFAULT_POLICY.quotaRecheckSeconds, 5, 3600),
  CAPTURE_DEADLINE_GRACE_SECONDS: intSetting(DEFAULT_POLICY.deadlineGraceSeconds, 10, 3600),
  /** Cost guard: flight recorders armed at once per region; arming beyond it is refused. */
  RECORDER_MAX_PER_REGION: intSetting(10, 1, 10000),
  CAPTURE_SUMMARIZE: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? DEFAULT_POLICY.summarize : v === "true")),
});

export type WebhookSettings = z.infer<typeof webhookSchema>;

export type SettingsRead<T> = { ok: true; value: T } | { ok: false; message: string };

/** The portal (and local.settings.json) leave unused settings as empty strings: those mean "not set". */
function read<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv): SettingsRead<T> {
  const parsed = schema.safeParse(
    Object.fromEntries(
      Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""),
    ),
  );
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    message: `app setting ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "invalid"}`,
  };
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
    return {
      ok: false,
      message:
        "app settings ENTRA_TENANT_ID and ENTRA_AUDIENCES: required when WEBHOOK_AUTH_MODE is entra or both",
    };
  }
  return result;
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
    return {
      ok: false,
      message: "app setting AZURE_LOCAL_TOKEN: required when AZURE_CREDENTIAL is local",
    };
  }
  return result;
}
