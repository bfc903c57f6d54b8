// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * The emulator's Storage and Authorization routes (npm run doctor's reads) are authorized like every
 * other call: each route's operation maps to the RBAC action ARM checks, so an operator's role covers
 * them and a role without that action is refused. An operation the enforcer does not know is refused
 * whatever the role, so a route renamed without its action would fail here.
 */
import { authorizationRoutes } from "../../../local/armEmulator/authorizationRoutes";
import { RoleEnforcer } from "../../../local/armEmulator/roleEnforcement";
import { StorageAccounts, storageRoutes } from "../../../local/armEmulator/storageRoutes";

const reader = new RoleEnforcer({ Name: "Reader", Actions: ["*/read"] });
const routes = [
  ...storageRoutes(new StorageAccounts("https://127.0.0.1:10000/devstoreaccount1/")),
  ...authorizationRoutes(reader),
];
const authorize = (enforcer: RoleEnforcer, operation: string) => () =>
  enforcer.authorize({ operation, params: {}, path: "/subscriptions/s", body: undefined });

test.each(routes.map((r) => r.operation))("%s is a read a Reader role covers", (operation) => {
  expect(authorize(reader, operation)).not.toThrow();
  const computeOnly = new RoleEnforcer({ Name: "VMs", Actions: ["Microsoft.Compute/*/read"] });
  expect(authorize(computeOnly, operation)).toThrow();
});

test("an operation the enforcer has no action for is refused even to */read", () => {
  expect(authorize(reader, "RoleAssignments_ListForScope")).toThrow();
});
