// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * App Service Authentication as the app sees it, for loopback development: `/.auth/login/aad`
 * signs the browser in at once as a configured dev user (no Entra round trip: there is no tenant
 * here) with an `AppServiceAuthSession` cookie, `/.auth/logout` ends the session, and every
 * request to the app gets the platform's `x-ms-client-principal*` headers from that session.
 * Headers of those names sent by the client are dropped first, as the platform does, so a
 * forged principal never reaches the app. The host also sets `WEBSITE_AUTH_ENABLED=True` for the
 * app, as App Service does when the feature is on. Anyone who can reach the loopback port can
 * sign in: this stands in for Entra, it does not protect anything.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** Who `/.auth/login/aad` signs in. */
export interface DevSignIn {
  name: string;
  roles: readonly string[];
}

const COOKIE = "AppServiceAuthSession";
const ROLE_TYPE = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";
const NAME_TYPE = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name";
/** Sessions are memory only: a restarted host asks the browser to sign in again, as an expired session would. */
const MAX_SESSIONS = 1000;

export interface EasyAuth {
  /** Serves `/.auth/*`; false when the path is not one of them. */
  serve(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
  /** Replaces any client-sent principal headers with the session's (none without a session). */
  applyPrincipal(req: IncomingMessage): void;
}

function principalHeaders(user: DevSignIn, userId: string): Record<string, string> {
  const principal = {
    auth_typ: "aad",
    claims: [
      { typ: "name", val: user.name },
      { typ: "preferred_username", val: user.name },
      { typ: "http://schemas.microsoft.com/identity/claims/objectidentifier", val: userId },
      ...user.roles.map((role) => ({ typ: "roles", val: role })),
    ],
    name_typ: NAME_TYPE,
    role_typ: ROLE_TYPE,
  };
  return {
    "x-ms-client-principal": Buffer.from(JSON.stringify(principal)).toString("base64"),
    "x-ms-client-principal-name": user.name,
    "x-ms-client-principal-id": userId,
    "x-ms-client-principal-idp": "aad",
  };
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

/** Only a path on this host: an absolute URL or `//host` would make the login an open redirect. */
function localPath(value: string | null): string {
  return value && value.startsWith("/") && !value.startsWith("//") && !value.includes("\\")
    ? value
    : "/";
}

export function devEasyAuth(user: DevSignIn): EasyAuth {
  const sessions = new Map<string, Record<string, string>>();
  const userId = randomBytes(16).toString("hex");
  return {
    serve(req, res, url) {
      const path = url.pathname.toLowerCase();
      if (path === "/.auth/login/aad" && req.method === "GET") {
        if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value as string);
        const token = randomBytes(32).toString("base64url");
        sessions.set(token, principalHeaders(user, userId));
        res
          .writeHead(302, {
            Location: localPath(url.searchParams.get("post_login_redirect_uri")),
            "Set-Cookie": `${COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax`,
            "Cache-Control": "no-store",
          })
          .end();
        return true;
      }
      if (path === "/.auth/logout") {
        const token = cookieValue(req, COOKIE);
        if (token) sessions.delete(token);
        res
          .writeHead(302, {
            Location: localPath(url.searchParams.get("post_logout_redirect_uri")),
            "Set-Cookie": `${COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`,
          })
          .end();
        return true;
      }
      return false;
    },
    applyPrincipal(req) {
      for (const name of Object.keys(req.headers))
        if (name.startsWith("x-ms-client-principal")) delete req.headers[name];
      const token = cookieValue(req, COOKIE);
      const headers = token ? sessions.get(token) : undefined;
      if (headers) Object.assign(req.headers, headers);
    },
  };
}
