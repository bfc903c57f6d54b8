/**
 * Microsoft's own example exchanges, vendored next to the specs, validated by `oav` against the
 * vendored spec extracts. An example is found through its operation's `x-ms-examples`; its request
 * URL is rebuilt from the example's parameters. This proves the extracts kept, unchanged in meaning,
 * every part of the models those responses use: a definition mistyped or dropped while vendoring
 * shows up here as a violation in a response Microsoft published.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { loadArmContract, type ArmContract } from "./support/armContract";
import { CONTRACT_DIR, VENDORED_SPECS } from "./support/vendoredSpecs";

interface ExampleCase {
  operationId: string;
  file: string;
  url: string;
  method: string;
  status: string;
  body: unknown;
  headers: Record<string, string>;
}

type Json = Record<string, unknown>;

function vendoredExampleCases(): ExampleCase[] {
  return VENDORED_SPECS.flatMap(({ entry }) => {
    const swagger = JSON.parse(readFileSync(path.join(CONTRACT_DIR, entry), "utf8")) as Json;
    return Object.entries(swagger["paths"] as Json).flatMap(([route, item]) =>
      Object.entries(item as Json).flatMap(([method, op]) => {
        const { operationId, "x-ms-examples": examples = {} } = op as Json;
        return Object.values(examples as Json).flatMap((ref) => {
          const file = path.join(
            path.dirname(path.join(CONTRACT_DIR, entry)),
            (ref as Json)["$ref"] as string,
          );
          if (!existsSync(file)) return [];
          const example = JSON.parse(readFileSync(file, "utf8")) as {
            parameters: Record<string, unknown>;
            responses: Record<string, { body?: unknown; headers?: Record<string, string> }>;
          };
          const url = `https://management.azure.com${route.replace(
            /\{([^}]+)\}/g,
            (_, name: string) => encodeURIComponent(String(example.parameters[name])),
          )}?api-version=${String(example.parameters["api-version"])}`;
          return Object.entries(example.responses).map(([status, response]) => ({
            operationId: String(operationId),
            file: path.relative(CONTRACT_DIR, file),
            url,
            method: method.toUpperCase(),
            status,
            body: response.body,
            // Examples carry bodies, not wire headers; on the wire a body comes as JSON.
            headers: { "content-type": "application/json", ...response.headers },
          }));
        });
      }),
    );
  });
}

const cases = vendoredExampleCases();
let contract: ArmContract;
beforeAll(async () => {
  contract = await loadArmContract();
}, 30_000);

test("the vendored examples are found through their operations", () => {
  expect(new Set(cases.map((c) => c.operationId))).toEqual(
    new Set([
      "VirtualMachines_Get",
      "VirtualMachineScaleSets_Get",
      "VirtualMachineExtensions_List",
      "VirtualMachineExtensions_CreateOrUpdate",
      "VirtualMachineScaleSetExtensions_List",
      "VirtualMachineScaleSetExtensions_CreateOrUpdate",
      "VirtualMachineScaleSetVMs_List",
      "NetworkWatchers_Get",
      "PacketCaptures_Create",
      "PacketCaptures_List",
      "PacketCaptures_Stop",
      "RoleAssignments_ListForSubscription",
      "RoleDefinitions_Get",
      "StorageAccounts_GetProperties",
    ]),
  );
});

test.each(cases)("$file ($status) passes its operation's response schema", async (c) => {
  const verdict = await contract.checkResponse(c.url, c.method, {
    statusCode: c.status,
    headers: c.headers,
    body: c.body,
  });
  expect(verdict).toMatchObject({ specOperation: c.operationId, issues: [] });
});
