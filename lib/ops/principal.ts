/**
 * Who is at the ops page. App Service Authentication ("Easy Auth") signs people in with Entra ID
 * and hands the app the result in `x-ms-client-principal`: base64 JSON
 * `{auth_typ, claims: [{typ, val}], name_typ, role_typ}` (Microsoft Learn, "Work with user
 * identities in Azure App Service authentication"). The platform drops that header from incoming
 * requests and sets it itself, so it is evidence only when Easy Auth is in front of the app —
 * App Service then sets `WEBSITE_AUTH_ENABLED=True`. Without that setting anyone could send the
 * header, so we refuse to read it at all.
 */
import { z } from "zod";

/** The header App Service Authentication sets on every signed-in request. */
export const PRINCIPAL_HEADER = "x-ms-client-principal";

/** Where an anonymous browser is sent to sign in (Easy Auth's Entra provider; the local host serves the same path). */
export const LOGIN_PATH = "/.auth/login/aad";

/** Claim types Entra app roles arrive under, besides the principal's own `role_typ`. */
const ROLE_CLAIM_TYPES = ["roles", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"];
const NAME_CLAIM_TYPES = ["name", "preferred_username", "upn", "email"];

const principalShape = z.object({
  auth_typ: z.string().max(64),
  claims: z.array(z.object({ typ: z.string().max(512), val: z.string().max(4096) })).max(500),
  name_typ: z.string().max(512).optional(),
  role_typ: z.string().max(512).optional(),
});

export interface Principal {
  name: string;
  identityProvider: string;
  roles: string[];
}

/** A base64 JSON principal, or undefined when the header is absent or not that shape. */
export function parseClientPrincipal(header: string | null | undefined): Principal | undefined {
  if (!header || header.length > 64 * 1024) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(header, "base64").toString("utf8"));
  } catch {
    return undefined;
  }
  const parsed = principalShape.safeParse(decoded);
  if (!parsed.success) return undefined;
  const { claims, role_typ, name_typ } = parsed.data;
  const roleTypes = new Set([...ROLE_CLAIM_TYPES, ...(role_typ ? [role_typ] : [])]);
  const nameTypes = [...(name_typ ? [name_typ] : []), ...NAME_CLAIM_TYPES];
  const name = nameTypes
    .map((typ) => claims.find((c) => c.typ === typ)?.val)
    .find((v): v is string => Boolean(v));
  return {
    name: name ?? "(unnamed)",
    identityProvider: parsed.data.auth_typ,
    roles: claims.filter((c) => roleTypes.has(c.typ)).map((c) => c.val),
  };
}

export interface OpsAuthSettings {
  /** The app role a person needs (OPS_APP_ROLE). */
  requiredRole: string;
  /** App Service Authentication is on (WEBSITE_AUTH_ENABLED, set by the platform). */
  easyAuthEnabled: boolean;
}

export type OpsAccess =
  { ok: true; principal: Principal } | { ok: false; status: 401 | 403 | 503; reason: string };

/** Whether the request's signed-in principal may operate captures. */
export function opsAccess(
  headers: { get(name: string): string | null },
  settings: OpsAuthSettings,
): OpsAccess {
  if (!settings.easyAuthEnabled)
    return {
      ok: false,
      status: 503,
      reason:
        "the ops page needs App Service Authentication (Entra ID) turned on for this app; " +
        "WEBSITE_AUTH_ENABLED is not set, so a sign-in header could be forged and is not read",
    };
  const principal = parseClientPrincipal(headers.get(PRINCIPAL_HEADER));
  if (!principal) return { ok: false, status: 401, reason: "sign in to use the ops page" };
  if (!principal.roles.includes(settings.requiredRole))
    return {
      ok: false,
      status: 403,
      reason: `${principal.name} is signed in but lacks the app role '${settings.requiredRole}'`,
    };
  return { ok: true, principal };
}
