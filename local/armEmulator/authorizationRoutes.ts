// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * `Microsoft.Authorization` reads for `npm run doctor`'s role check: the emulated identity holds the
 * role the emulator enforces (see roleEnforcement.ts) at each subscription's scope, as the
 * deployment template assigns it; no role in force means no assignment.
 */
import { notFound } from "./armHttp";
import { EMULATED_PRINCIPAL_ID, type RoleEnforcer } from "./roleEnforcement";
import { route, type Route } from "./router";

const ROLE_DEFINITION_ID = "7c4a2b1e-0d3f-4e5a-9b6c-8d7e6f5a4b3c";
const ASSIGNMENT_ID = "5e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b";
const AUTHZ = "/subscriptions/{subscriptionId}/providers/Microsoft.Authorization";

export function authorizationRoutes(rbac: RoleEnforcer): Route[] {
  return [
    route("GET", `${AUTHZ}/roleAssignments`, "RoleAssignments_ListForSubscription", (ctx) => {
      const scope = `/subscriptions/${ctx.params["subscriptionId"] ?? ""}`;
      const filter = /principalId eq '([^']+)'/i.exec(ctx.query.get("$filter") ?? "")?.[1];
      const holds = rbac.role() !== undefined && (!filter || filter === EMULATED_PRINCIPAL_ID);
      const value = holds
        ? [
            {
              id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${ASSIGNMENT_ID}`,
              name: ASSIGNMENT_ID,
              type: "Microsoft.Authorization/roleAssignments",
              properties: {
                principalId: EMULATED_PRINCIPAL_ID,
                principalType: "ServicePrincipal",
                roleDefinitionId: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_DEFINITION_ID}`,
                scope,
              },
            },
          ]
        : [];
      return { status: 200, body: { value } };
    }),
    route("GET", `${AUTHZ}/roleDefinitions/{roleDefinitionId}`, "RoleDefinitions_Get", (ctx) => {
      const role = rbac.role();
      if (!role || ctx.params["roleDefinitionId"] !== ROLE_DEFINITION_ID)
        throw notFound(`Microsoft.Authorization/roleDefinitions/${ctx.params["roleDefinitionId"]}`);
      return {
        status: 200,
        body: {
          id: ctx.path,
          name: ROLE_DEFINITION_ID,
          type: "Microsoft.Authorization/roleDefinitions",
          properties: {
            roleName: role.Name ?? "custom role",
            type: "CustomRole",
            permissions: [
              {
                actions: role.Actions,
                notActions: role.NotActions ?? [],
                dataActions: role.DataActions ?? [],
                notDataActions: [],
              },
            ],
          },
        },
      };
    }),
  ];
}
