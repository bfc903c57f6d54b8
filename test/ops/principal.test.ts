import { HttpRequest } from "@azure/functions";
import { keyInUrlRefusal, signedInGate } from "../../lib/ops/access";
import { opsAccess, parseClientPrincipal, PRINCIPAL_HEADER } from "../../lib/ops/principal";

/** A principal the way App Service Authentication encodes it (Microsoft Learn's documented shape). */
function encoded(claims: Array<{ typ: string; val: string }>, extra: object = {}): string {
  const principal = {
    auth_typ: "aad",
    claims,
    name_typ: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
    role_typ: "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
    ...extra,
  };
  return Buffer.from(JSON.stringify(principal)).toString("base64");
}

const OPERATOR = encoded([
  { typ: "name", val: "Ops Person" },
  { typ: "roles", val: "Reader" },
  { typ: "roles", val: "CaptureOps" },
]);
const VIEWER = encoded([
  { typ: "preferred_username", val: "viewer@contoso.example" },
  { typ: "roles", val: "Reader" },
]);
const ON = { requiredRole: "CaptureOps", easyAuthEnabled: true };
const headers = (value?: string) => new Headers(value ? { [PRINCIPAL_HEADER]: value } : {});

describe("x-ms-client-principal", () => {
  test("name and app roles from the claims, roles under `roles` or the principal's role_typ", () => {
    expect(parseClientPrincipal(OPERATOR)).toEqual({
      name: "Ops Person",
      identityProvider: "aad",
      roles: ["Reader", "CaptureOps"],
    });
    const viaRoleTyp = encoded([{ typ: "urn:custom:role", val: "CaptureOps" }], {
      role_typ: "urn:custom:role",
    });
    expect(parseClientPrincipal(viaRoleTyp)?.roles).toEqual(["CaptureOps"]);
    expect(parseClientPrincipal(VIEWER)?.name).toBe("viewer@contoso.example");
  });

  const notPrincipals: Array<[what: string, header: string | undefined]> = [
    ["absent", undefined],
    ["empty", ""],
    ["not base64 JSON", "not base64 json"],
    ["an array", Buffer.from("[1,2]").toString("base64")],
    ["claims not a list", Buffer.from('{"claims": "x"}').toString("base64")],
    ["no claims", Buffer.from('{"auth_typ": "aad"}').toString("base64")],
  ];
  test.each(notPrincipals)("%s is no principal", (_, header) => {
    expect(parseClientPrincipal(header)).toBeUndefined();
  });
});

describe("who may operate", () => {
  test("a signed-in principal with the app role", () => {
    expect(opsAccess(headers(OPERATOR), ON)).toMatchObject({
      ok: true,
      principal: { name: "Ops Person" },
    });
    expect(opsAccess(headers(OPERATOR), { ...ON, requiredRole: "Other" })).toMatchObject({
      ok: false,
      status: 403,
      reason: expect.stringContaining("'Other'"),
    });
  });

  test("signed in without the role is 403, not signed in (or garbage) 401", () => {
    expect(opsAccess(headers(VIEWER), ON)).toMatchObject({ ok: false, status: 403 });
    expect(opsAccess(headers(), ON)).toMatchObject({ ok: false, status: 401 });
    expect(opsAccess(headers("bogus"), ON)).toMatchObject({ ok: false, status: 401 });
  });

  test("without App Service Authentication the header is never read: anyone could have sent it", () => {
    expect(opsAccess(headers(OPERATOR), { ...ON, easyAuthEnabled: false })).toMatchObject({
      ok: false,
      status: 503,
      reason: expect.stringContaining("WEBSITE_AUTH_ENABLED"),
    });
  });
});

describe("the HTTP gates", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  const request = (url: string, init: { method?: string; headers?: Record<string, string> } = {}) =>
    new HttpRequest({ url, method: init.method ?? "GET", headers: init.headers ?? {} });

  test("the page sends an anonymous browser to sign in and back; its API answers 401 JSON", () => {
    process.env.WEBSITE_AUTH_ENABLED = "True";
    const page = signedInGate(request("https://app.example.net/api/ops?since=1h&top=5"), false);
    expect(page).toMatchObject({
      ok: false,
      response: {
        status: 302,
        headers: {
          Location: "/.auth/login/aad?post_login_redirect_uri=%2Fapi%2Fops%3Fsince%3D1h%26top%3D5",
        },
      },
    });
    const api = signedInGate(request("https://app.example.net/api/ops/web/captures/x"), true);
    expect(api).toMatchObject({
      ok: false,
      response: { status: 401, jsonBody: { error: expect.any(String) } },
    });
  });

  test("the role comes from OPS_APP_ROLE; a change needs the page's own header", () => {
    process.env.WEBSITE_AUTH_ENABLED = "true";
    process.env.OPS_APP_ROLE = "Reader";
    const url = "https://app.example.net/api/ops/web/captures/x/rerun";
    expect(
      signedInGate(request(url, { headers: { [PRINCIPAL_HEADER]: VIEWER } }), true),
    ).toMatchObject({ ok: true });
    expect(
      signedInGate(request(url, { method: "POST", headers: { [PRINCIPAL_HEADER]: VIEWER } }), true),
    ).toMatchObject({ ok: false, response: { status: 403 } });
    expect(
      signedInGate(
        request(url, {
          method: "POST",
          headers: { [PRINCIPAL_HEADER]: VIEWER, "x-ops-page": "1" },
        }),
        true,
      ),
    ).toMatchObject({ ok: true });
  });

  test("key callers: a key in the query string is refused, the header is the way", () => {
    expect(
      keyInUrlRefusal(request("https://app.example.net/api/ops/captures?code=k")),
    ).toMatchObject({
      status: 400,
      jsonBody: { error: expect.stringContaining("x-functions-key") },
    });
    expect(
      keyInUrlRefusal(request("https://app.example.net/api/ops/captures?since=1h")),
    ).toBeUndefined();
  });
});
