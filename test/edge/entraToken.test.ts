import { AZURE_MONITOR_ACTION_GROUPS_APP_ID } from "../../lib/domain/azureMonitor";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { checkEntraToken, issuersFor, type EntraSettings } from "../../lib/edge/entraToken";

const TENANT = "11111111-2222-3333-4444-555555555555";
const AUDIENCE = "api://alert-capture";
let server: Server;
let settings: EntraSettings;
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
let signingKey: PrivateKey;
let strangerKey: PrivateKey;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256");
  signingKey = pair.privateKey;
  strangerKey = (await generateKeyPair("RS256")).privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  server = createServer((_req, res) =>
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] })),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  settings = {
    tenantId: TENANT,
    audiences: [AUDIENCE],
    jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`,
    requiredRole: "ActionGroupsSecureWebhook",
    allowedClientAppIds: [AZURE_MONITOR_ACTION_GROUPS_APP_ID],
    clockToleranceSeconds: 60,
  };
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface TokenSpec {
  aud?: string;
  iss?: string;
  roles?: string[];
  expiresIn?: number;
  key?: PrivateKey;
  /** The calling client's claims: v1 `appid`, v2 `azp`. */
  client?: Record<string, string>;
}

async function token(spec: TokenSpec = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    roles: spec.roles ?? ["ActionGroupsSecureWebhook"],
    ...(spec.client ?? { appid: AZURE_MONITOR_ACTION_GROUPS_APP_ID }),
  })
    .setProtectedHeader({ alg: "RS256", kid: "k1", typ: "JWT" })
    .setIssuer(spec.iss ?? issuersFor(TENANT)[0]!)
    .setAudience(spec.aud ?? AUDIENCE)
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (spec.expiresIn ?? 3600))
    .sign(spec.key ?? signingKey);
}

function unsigned(payload: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part(payload)}.`;
}

describe("Entra ID secure webhook tokens", () => {
  test("a valid token from the tenant, for our audience, with the role, is accepted (v1 and v2 issuers)", async () => {
    expect(await checkEntraToken(`Bearer ${await token()}`, settings)).toMatchObject({ ok: true });
    expect(
      await checkEntraToken(
        `Bearer ${await token({ iss: `https://sts.windows.net/${TENANT}/` })}`,
        settings,
      ),
    ).toMatchObject({ ok: true });
  });

  test("pinned to Azure Monitor: azp (v2) or appid (v1) must be the action groups' app; another client → 403", async () => {
    const v2 = await token({ client: { azp: AZURE_MONITOR_ACTION_GROUPS_APP_ID } });
    expect(await checkEntraToken(`Bearer ${v2}`, settings)).toMatchObject({ ok: true });
    const strangers: Array<Record<string, string>> = [
      { appid: "99999999-0000-0000-0000-000000000000" },
      { azp: "99999999-0000-0000-0000-000000000000" },
      {},
    ];
    for (const client of strangers) {
      expect(await checkEntraToken(`Bearer ${await token({ client })}`, settings)).toMatchObject({
        ok: false,
        status: 403,
        message: expect.stringContaining("ENTRA_ALLOWED_CLIENT_APP_IDS"),
      });
    }
    const other = { ...settings, allowedClientAppIds: ["99999999-0000-0000-0000-000000000000"] };
    const mine = await token({ client: { appid: "99999999-0000-0000-0000-000000000000" } });
    expect(await checkEntraToken(`Bearer ${mine}`, other)).toMatchObject({ ok: true });
  });

  test.each([
    ["no header", null],
    ["not a bearer token", "Basic dXNlcjpwYXNz"],
  ])("%s → 401", async (_name, header) => {
    expect(await checkEntraToken(header, settings)).toMatchObject({ ok: false, status: 401 });
  });

  test("wrong audience → 401", async () => {
    expect(
      await checkEntraToken(`Bearer ${await token({ aud: "api://someone-else" })}`, settings),
    ).toMatchObject({ ok: false, status: 401, message: expect.stringContaining("aud") });
  });

  test("wrong issuer (another tenant) → 401", async () => {
    expect(
      await checkEntraToken(
        `Bearer ${await token({ iss: "https://login.microsoftonline.com/other/v2.0" })}`,
        settings,
      ),
    ).toMatchObject({ ok: false, status: 401, message: expect.stringContaining("iss") });
  });

  test("expired beyond the skew → 401", async () => {
    expect(
      await checkEntraToken(`Bearer ${await token({ expiresIn: -120 })}`, settings),
    ).toMatchObject({ ok: false, status: 401, message: expect.stringContaining("expired") });
  });

  test("missing app role → 403", async () => {
    expect(
      await checkEntraToken(`Bearer ${await token({ roles: ["Reader"] })}`, settings),
    ).toMatchObject({ ok: false, status: 403 });
  });

  test("signed by a key not in the tenant's JWKS → 401", async () => {
    expect(
      await checkEntraToken(`Bearer ${await token({ key: strangerKey })}`, settings),
    ).toMatchObject({ ok: false, status: 401 });
  });

  test("alg: none → 401", async () => {
    const now = Math.floor(Date.now() / 1000);
    const forged = unsigned({
      iss: issuersFor(TENANT)[0],
      aud: AUDIENCE,
      roles: ["ActionGroupsSecureWebhook"],
      iat: now,
      exp: now + 3600,
    });
    expect(await checkEntraToken(`Bearer ${forged}`, settings)).toMatchObject({
      ok: false,
      status: 401,
    });
  });

  test("a tampered payload → 401", async () => {
    const [header, , signature] = (await token({ roles: ["Reader"] })).split(".");
    const payload = Buffer.from(
      JSON.stringify({ roles: ["ActionGroupsSecureWebhook"], aud: AUDIENCE }),
    ).toString("base64url");
    expect(
      await checkEntraToken(`Bearer ${header}.${payload}.${signature}`, settings),
    ).toMatchObject({ ok: false, status: 401 });
  });
});
