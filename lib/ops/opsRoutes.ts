/**
 * Registers one ops route behind both of its guards (access.ts), so every ops route — captures
 * and flight recorders alike — gets the same two doors: `/api/ops/…` with the admin key in
 * `x-functions-key` only, and `/api/ops/web/…` for a person signed in with the ops role.
 */
import {
  app,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from "@azure/functions";
import * as df from "durable-functions";
import { BROWSER_SEGMENT, keyInUrlRefusal, signedInGate } from "./access";

export type OpsHandler = (r: HttpRequest, c: InvocationContext) => Promise<HttpResponseInit>;

function keyInHeader(handler: OpsHandler): OpsHandler {
  return async (request, context) => keyInUrlRefusal(request) ?? handler(request, context);
}

function signedIn(handler: OpsHandler): OpsHandler {
  return async (request, context) => {
    const gate = signedInGate(request, true);
    if (!gate.ok) return gate.response;
    context.log(`ops by ${gate.principal.name} (${gate.principal.identityProvider})`);
    return handler(request, context);
  };
}

/** `route` is below `ops/` (e.g. `captures/{id}`); `name` names the keyed function, `${name}Web` the other. */
export function registerOpsRoute(
  name: string,
  method: "GET" | "POST" | "DELETE",
  route: string,
  handler: OpsHandler,
): void {
  app.http(name, {
    route: `ops/${route}`,
    methods: [method],
    authLevel: "admin",
    extraInputs: [df.input.durableClient()],
    handler: keyInHeader(handler),
  });
  app.http(`${name}Web`, {
    route: `ops/${BROWSER_SEGMENT}/${route}`,
    methods: [method],
    // The host lets everyone in; signedIn() admits only Easy Auth principals with the ops role.
    authLevel: "anonymous",
    extraInputs: [df.input.durableClient()],
    handler: signedIn(handler),
  });
}
