// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * The HTTPS front door: bearer-token check, ARM's api-version rule, injected request faults, routing,
 * and one log line per request (never the token).
 */
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { ArmError, parseJsonBody, readBody, writeResponse, type ArmResponse } from "./armHttp";
import type { FaultController } from "./faults";
import type { AuthorizationRequest } from "./roleEnforcement";
import { matchRoute, splitPath, type Route } from "./router";
import type { TrafficRecorder } from "./trafficRecorder";

export interface ArmServerOptions {
  key: string;
  cert: string;
  port: number;
  token: string;
  armRoutes: readonly Route[];
  adminRoutes: readonly Route[];
  faults: FaultController;
  /** Azure RBAC on every ARM (not admin) request; throws ArmError 403 when not permitted. */
  authorize?: (request: AuthorizationRequest) => void;
  log: (line: string) => void;
  /** Records every ARM (not admin) exchange when set. */
  recorder?: TrafficRecorder;
}

export interface ArmServer {
  url: string;
  close(): Promise<void>;
}

const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;
const ADMIN_PREFIX = "_emulator";

export async function listenArmServer(opts: ArmServerOptions): Promise<ArmServer> {
  const expectedToken = digest(opts.token);
  let baseUrl = "";

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", baseUrl);
    const method = req.method ?? "GET";
    let operation = "-";
    let admin = false;
    let requestBody: unknown;
    let response: ArmResponse;
    try {
      if (!authorized(req.headers.authorization, expectedToken)) {
        const why = req.headers.authorization ? "is invalid" : "is missing";
        throw new ArmError(
          401,
          "AuthenticationFailed",
          `Authentication failed. The 'Authorization' header ${why}.`,
        );
      }
      const segments = splitPath(url.pathname);
      admin = segments[0] === ADMIN_PREFIX;
      const match = matchRoute(admin ? opts.adminRoutes : opts.armRoutes, method, segments);
      if (match === undefined)
        throw new ArmError(404, "NotFound", `No emulated operation for ${method} ${url.pathname}.`);
      if (match === "methodNotAllowed")
        throw new ArmError(
          405,
          "MethodNotAllowed",
          `${method} is not supported on ${url.pathname}.`,
        );
      operation = match.route.operation;
      if (!admin) checkApiVersion(url.searchParams);
      const body = (requestBody = parseJsonBody(await readBody(req)));
      if (!admin) opts.authorize?.({ operation, params: match.params, path: url.pathname, body });
      const fault = admin ? undefined : opts.faults.takeRequestFault(operation);
      response =
        fault ??
        (await match.route.handler({
          params: match.params,
          path: url.pathname,
          query: url.searchParams,
          body,
          baseUrl,
        }));
    } catch (err) {
      if (!(err instanceof ArmError))
        opts.log(
          `${method} ${url.pathname}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
      response =
        err instanceof ArmError
          ? err.toResponse()
          : new ArmError(500, "InternalServerError", "An internal error occurred.").toResponse();
    }
    req.resume();
    response = { ...response, headers: { ...response.headers, "x-ms-request-id": randomUUID() } };
    const sentHeaders = writeResponse(res, response);
    if (opts.recorder && !admin)
      opts.recorder.record(
        operation,
        { url: url.href, method, headers: flatHeaders(req.headers), body: requestBody },
        { status: response.status, headers: sentHeaders, body: response.body },
      );
    opts.log(`${method} ${url.pathname}${url.search} ${operation} → ${response.status}`);
  };

  const server: Server = createServer(
    { key: opts.key, cert: opts.cert },
    (req, res) => void handle(req, res),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function checkApiVersion(query: URLSearchParams): void {
  const version = query.get("api-version");
  if (version === null || version === "") {
    throw new ArmError(
      400,
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    );
  }
  if (!API_VERSION.test(version))
    throw new ArmError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${version}' is invalid.`,
    );
}

function flatHeaders(headers: IncomingMessage["headers"]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).flatMap(([k, v]) =>
      v === undefined ? [] : [[k, Array.isArray(v) ? v.join(", ") : v]],
    ),
  );
}

function authorized(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? "");
  return match !== null && timingSafeEqual(digest(match[1] as string), expected);
}

/** Comparing fixed-length digests keeps the comparison constant-time whatever the token length. */
function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
