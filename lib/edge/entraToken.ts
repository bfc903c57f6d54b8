/**
 * Azure Monitor's "secure webhook": the action group calls us with a Microsoft Entra ID bearer
 * token issued to the AZNS AAD Webhook service principal for our app registration. We accept it
 * only if jose verifies the signature against the tenant's JWKS (RS256 only, so `alg: none` and
 * HMAC confusion cannot pass), the issuer is the tenant's (v1 or v2 form), the audience is our
 * app (ID or identifier URI), it is within its lifetime (small skew), it carries the
 * `ActionGroupsSecureWebhook` app role, and it was issued to Azure Monitor's action groups: its
 * client (`azp` in v2 tokens, `appid` in v1) is the AZNS AAD Webhook application, whose ID
 * Microsoft's secure-webhook script gives as 461e8683-5575-4561-ac7f-899cc907d62a. A role
 * assigned by mistake to another client of the tenant does not open the webhook to it.
 */
import type { JWTPayload, createRemoteJWKSet } from "jose";

/**
 * jose v6 is ESM-only and this build is CommonJS. A static import compiles to `require("jose")`,
 * which throws ERR_REQUIRE_ESM wherever Node's require(esm) is off (Node 22 before 22.12, or run
 * with --no-experimental-require-module), and the Functions worker then fails to load this module
 * and every function registered after it. `import()` loads ESM from CommonJS on every Node 22, and
 * only when a secure-webhook request first arrives; jose stays on its maintained major.
 */
type Jose = typeof import("jose");
let josePromise: Promise<Jose> | undefined;
function jose(): Promise<Jose> {
  return (josePromise ??= import("jose"));
}

export interface EntraSettings {
  tenantId: string;
  audiences: string[];
  jwksUrl: string;
  requiredRole: string;
  /** Client application IDs (`azp`/`appid`) allowed to call; Azure Monitor's by default. */
  allowedClientAppIds: string[];
  clockToleranceSeconds: number;
}

export type TokenCheck =
  { ok: true; claims: JWTPayload } | { ok: false; status: 401 | 403; message: string };

export function issuersFor(tenantId: string): string[] {
  return [
    `https://login.microsoftonline.com/${tenantId}/v2.0`,
    `https://sts.windows.net/${tenantId}/`,
  ];
}

export function defaultJwksUrl(tenantId: string): string {
  return `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`;
}

const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

/** One key set per URL for the process: jose caches keys and refetches on an unknown `kid`. */
function keySet(lib: Jose, url: string): ReturnType<typeof createRemoteJWKSet> {
  let set = keySets.get(url);
  if (!set) keySets.set(url, (set = lib.createRemoteJWKSet(new URL(url))));
  return set;
}

export async function checkEntraToken(
  authorization: string | null,
  settings: EntraSettings,
): Promise<TokenCheck> {
  const match = /^Bearer\s+([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)$/.exec(
    authorization ?? "",
  );
  if (!match)
    return { ok: false, status: 401, message: "a Microsoft Entra ID bearer token is required" };
  const lib = await jose();
  try {
    const { payload } = await lib.jwtVerify(match[1]!, keySet(lib, settings.jwksUrl), {
      algorithms: ["RS256"],
      issuer: issuersFor(settings.tenantId),
      audience: settings.audiences,
      clockTolerance: settings.clockToleranceSeconds,
      requiredClaims: ["exp", "iat"],
    });
    const roles = Array.isArray(payload.roles) ? payload.roles : [];
    if (!roles.includes(settings.requiredRole)) {
      return {
        ok: false,
        status: 403,
        message: `the token lacks the ${settings.requiredRole} app role`,
      };
    }
    const client = typeof payload.azp === "string" ? payload.azp : payload.appid;
    if (
      typeof client !== "string" ||
      !settings.allowedClientAppIds.some((id) => id.toLowerCase() === client.toLowerCase())
    ) {
      return {
        ok: false,
        status: 403,
        message:
          "the token was not issued to Azure Monitor's action groups (its azp/appid is not in ENTRA_ALLOWED_CLIENT_APP_IDS)",
      };
    }
    return { ok: true, claims: payload };
  } catch (error) {
    return { ok: false, status: 401, message: `invalid token: ${describe(lib.errors, error)}` };
  }
}

function describe(errors: Jose["errors"], error: unknown): string {
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JWTClaimValidationFailed) return `${error.claim} claim rejected`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "algorithm not allowed";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "signature does not verify";
  if (error instanceof errors.JOSEError) return error.code;
  return "unreadable";
}
