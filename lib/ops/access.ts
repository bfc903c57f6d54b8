/**
 * The two ways into the ops routes. People use the page, signed in through App Service
 * Authentication with the ops app role (`/api/ops`, `/api/ops/web/…`): no key ever appears in a
 * URL, a link or the page, so none lands in browser history, bookmarks or proxy logs. Scripts and
 * the CLI use the master key (authLevel admin, `/api/ops/captures…`), in the `x-functions-key`
 * header only — the host would also take `?code=`, so we refuse that here.
 */
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { readOpsAuthSettings } from "../config/appSettings";
import { LOGIN_PATH, opsAccess, type Principal } from "./principal";

/** The path segment under the ops base that the signed-in (browser) routes live in. */
export const BROWSER_SEGMENT = "web";

/**
 * The header the page's own script sends on every change (POST). A cross-site form cannot set
 * it and a cross-site fetch with it needs a CORS preflight we never grant, so a signed-in
 * person's session cookie cannot be used from another site to re-run captures.
 */
export const PAGE_REQUEST_HEADER = "x-ops-page";

function refusal(status: number, message: string, asJson: boolean): HttpResponseInit {
  const headers = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };
  return asJson
    ? { status, headers, jsonBody: { error: message } }
    : {
        status,
        headers: { ...headers, "Content-Type": "text/plain; charset=utf-8" },
        body: message,
      };
}

export type Gate = { ok: true; principal: Principal } | { ok: false; response: HttpResponseInit };

/**
 * The signed-in check for the page (`asJson` false: an anonymous GET is sent to sign in) and for
 * the routes its script calls (`asJson` true: a JSON error the script shows).
 */
export function signedInGate(request: HttpRequest, asJson: boolean): Gate {
  const settings = readOpsAuthSettings();
  if (!settings.ok) return { ok: false, response: refusal(503, settings.message, asJson) };
  const access = opsAccess(request.headers, settings.value);
  if (!access.ok) {
    if (access.status === 401 && !asJson && request.method === "GET") {
      const here = new URL(request.url);
      const back = encodeURIComponent(`${here.pathname}${here.search}`);
      return {
        ok: false,
        response: {
          status: 302,
          headers: {
            Location: `${LOGIN_PATH}?post_login_redirect_uri=${back}`,
            "Cache-Control": "no-store",
          },
        },
      };
    }
    return { ok: false, response: refusal(access.status, access.reason, asJson) };
  }
  if (request.method !== "GET" && request.headers.get(PAGE_REQUEST_HEADER) !== "1")
    return {
      ok: false,
      response: refusal(
        403,
        `changes need the ${PAGE_REQUEST_HEADER} header the ops page sends`,
        asJson,
      ),
    };
  return access;
}

/** Key callers: the key belongs in `x-functions-key`; a `code` query parameter is refused (400). */
export function keyInUrlRefusal(request: HttpRequest): HttpResponseInit | undefined {
  return request.query.has("code")
    ? refusal(
        400,
        "send the admin key in the x-functions-key header, not as ?code= (URLs end up in histories and logs)",
        true,
      )
    : undefined;
}
