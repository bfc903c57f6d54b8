/**
 * deploy/azuredeploy.json, the one subscription-scope deployment, checked offline: every resource
 * (the nested resource-group template's too) against Microsoft's published schema for its type and
 * apiVersion, references that resolve, parameters that are used, the custom role equal to
 * deploy/capture-operator-role.json, and app settings equal to what lib/config reads.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ArmSchemaValidator,
  expressionReferences,
  type ArmResource,
  type ArmTemplate,
  type Scope,
} from "./armSchemas";

const ROOT = join(__dirname, "..", "..");
const template = JSON.parse(
  readFileSync(join(ROOT, "deploy", "azuredeploy.json"), "utf8"),
) as ArmTemplate;
const role = JSON.parse(
  readFileSync(join(ROOT, "deploy", "capture-operator-role.json"), "utf8"),
) as Record<"Actions" | "NotActions" | "DataActions" | "NotDataActions", string[]>;
const validator = new ArmSchemaValidator(join(ROOT, "deploy", "schemas"));

const nested = template.resources.find((r) => r.type === "Microsoft.Resources/deployments")!;
const nestedProperties = nested.properties as {
  expressionEvaluationOptions: { scope: string };
  parameters: Record<string, { value: unknown }>;
  template: ArmTemplate;
};
const inner = nestedProperties.template;
const scopes: Array<[string, ArmTemplate, Scope]> = [
  ["subscription template", template, "subscription"],
  ["resource-group template", inner, "resourceGroup"],
];

function byType(t: ArmTemplate, type: string): ArmResource[] {
  return t.resources.filter((r) => r.type === type);
}

/** App settings lib/config reads only on the local runtime or in tests. */
const LOCAL_ONLY_SETTINGS = [
  "AZURE_LOCAL_TOKEN",
  "CAPTURE_STORAGE_CONNECTION_STRING",
  "ENTRA_JWKS_URL",
];
/** lib/config reads these, but App Service sets them itself (Easy Auth on or off). */
const SET_BY_PLATFORM = ["WEBSITE_AUTH_ENABLED"];
/** Settings read by the platform, the host (host.json's %CAPTURE_TASK_HUB%) or SDKs, not by lib/config. */
const PLATFORM_SETTING =
  /^(AzureWebJobsStorage__\w+|APPLICATIONINSIGHTS_\w+|AZURE_CLIENT_ID|FUNCTIONS_REQUEST_BODY_SIZE_LIMIT|CAPTURE_TASK_HUB)$/;

function configSettingNames(): string[] {
  const source = readFileSync(join(ROOT, "lib", "config", "appSettings.ts"), "utf8");
  return [...new Set([...source.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!))];
}

describe("deploy/azuredeploy.json", () => {
  test("deploys at subscription scope, the regional resources through one inner-scope nested template", () => {
    expect(template.$schema).toContain("subscriptionDeploymentTemplate.json");
    expect(nestedProperties.expressionEvaluationOptions.scope).toBe("Inner");
    expect(byType(template, "Microsoft.Resources/resourceGroups")).toHaveLength(1);
  });

  test.each(scopes)("%s: its own keys match the deployment template schema", (_, t, scope) => {
    expect(validator.validateEnvelope(t, scope)).toEqual([]);
  });

  test.each(scopes)("%s: every resource matches its published schema", (_, t, scope) => {
    expect(t.resources.flatMap((r) => validator.validateResource(r, scope))).toEqual([]);
  });

  test("the schema check has teeth: wrong values, unknown keys and unpublished apiVersions fail", () => {
    const storage = byType(inner, "Microsoft.Storage/storageAccounts")[0]!;
    const badTls = {
      ...storage,
      properties: { ...(storage.properties as object), minimumTlsVersion: "TLS1_9" },
    };
    expect(validator.validateResource(badTls, "resourceGroup").join()).toMatch(/properties/);
    expect(validator.validateResource({ ...storage, skuu: {} }, "resourceGroup").join()).toMatch(
      /"skuu" is not in the schema/,
    );
    expect(
      validator.validateResource({ ...storage, apiVersion: "2099-01-01" }, "resourceGroup").join(),
    ).toMatch(/no published schema/);
    const site = byType(inner, "Microsoft.Web/sites")[0]!;
    const props = site.properties as { functionAppConfig: Record<string, unknown> };
    const badScale = {
      ...site,
      properties: {
        ...props,
        functionAppConfig: { ...props.functionAppConfig, scaleAndConcurrency: "lots" },
      },
    };
    expect(validator.validateResource(badScale, "resourceGroup")).not.toEqual([]);
  });

  test.each(scopes)("%s: every parameters()/variables() reference resolves", (_, t) => {
    const refs = expressionReferences(t);
    expect(refs.parameters.filter((p) => !(p in (t.parameters ?? {})))).toEqual([]);
    expect(refs.variables.filter((v) => !(v in (t.variables ?? {})))).toEqual([]);
  });

  test.each(scopes)("%s: every parameter and variable is used", (_, t) => {
    const refs = expressionReferences(t);
    expect(Object.keys(t.parameters ?? {}).filter((p) => !refs.parameters.includes(p))).toEqual([]);
    expect(Object.keys(t.variables ?? {}).filter((v) => !refs.variables.includes(v))).toEqual([]);
  });

  test("the nested deployment passes exactly the parameters its template declares", () => {
    expect(Object.keys(nestedProperties.parameters).sort()).toEqual(
      Object.keys(inner.parameters ?? {}).sort(),
    );
  });

  test("the custom role holds exactly deploy/capture-operator-role.json's actions, assigned at subscription scope", () => {
    const definition = byType(template, "Microsoft.Authorization/roleDefinitions")[0]!;
    const permissions = (definition.properties as { permissions: Array<Record<string, string[]>> })
      .permissions;
    expect(permissions).toHaveLength(1);
    expect([...permissions[0]!.actions!].sort()).toEqual([...role.Actions].sort());
    expect([...permissions[0]!.dataActions!].sort()).toEqual([...role.DataActions].sort());
    expect(permissions[0]!.notActions).toEqual(role.NotActions);
    expect(permissions[0]!.notDataActions).toEqual(role.NotDataActions);
    const assignment = byType(template, "Microsoft.Authorization/roleAssignments")[0]!;
    expect(assignment.scope).toBeUndefined();
    expect(JSON.stringify(assignment.properties)).toContain(
      "subscriptionResourceId('Microsoft.Authorization/roleDefinitions'",
    );
  });

  test("the capture account: Standard, TLS 1.2, no public blob access, lifecycle delete after captureRetentionDays, Blob Data Contributor + Delegator", () => {
    const [, capture] = byType(inner, "Microsoft.Storage/storageAccounts");
    expect(capture).toMatchObject({
      sku: { name: expect.stringMatching(/^Standard_/) as unknown },
      properties: { minimumTlsVersion: "TLS1_2", allowBlobPublicAccess: false },
    });
    const policy = JSON.stringify(
      byType(inner, "Microsoft.Storage/storageAccounts/managementPolicies"),
    );
    expect(policy).toContain(
      '"daysAfterModificationGreaterThan":"[parameters(\'captureRetentionDays\')]"',
    );
    const captureRoles = byType(inner, "Microsoft.Authorization/roleAssignments")
      .filter((r) => String(r.scope).includes("captureStorageName"))
      .map((r) => JSON.stringify(r.properties));
    expect(captureRoles).toEqual([
      expect.stringContaining("ba92f5b4-2d11-453d-a403-e96b0029c9fe"), // Storage Blob Data Contributor
      expect.stringContaining("db58b8e5-c6ad-4a2a-8342-4190687cbf4a"), // Storage Blob Delegator
    ]);
  });

  test("the function app: Flex Consumption, Node 22, user-assigned identity, one always-ready HTTP instance, identity-based storage", () => {
    const plan = byType(inner, "Microsoft.Web/serverfarms")[0]!;
    expect(plan.sku).toEqual({ name: "FC1", tier: "FlexConsumption" });
    const site = byType(inner, "Microsoft.Web/sites")[0]!;
    expect(site.identity).toMatchObject({ type: "UserAssigned" });
    expect(site.properties).toMatchObject({
      functionAppConfig: {
        runtime: { name: "node", version: "22" },
        scaleAndConcurrency: { alwaysReady: [{ name: "http", instanceCount: 1 }] },
        deployment: { storage: { authentication: { type: "UserAssignedIdentity" } } },
      },
    });
    const settings = appSettings();
    expect(settings.get("AzureWebJobsStorage__credential")).toBe("managedidentity");
    expect(
      [...settings.keys()].filter((k) => /^AzureWebJobsStorage$|ConnectionString|Key$/i.test(k)),
    ).toEqual([]);
  });

  test("app settings are exactly the names lib/config reads (plus platform ones): no drift either way", () => {
    const deployed = [...appSettings().keys()].filter((name) => !PLATFORM_SETTING.test(name));
    const read = configSettingNames();
    expect(read).toEqual(expect.arrayContaining(LOCAL_ONLY_SETTINGS));
    const notDeployed = [...LOCAL_ONLY_SETTINGS, ...SET_BY_PLATFORM];
    expect(deployed.sort()).toEqual(read.filter((n) => !notDeployed.includes(n)).sort());
  });

  test("the action group calls our webhook with the common alert schema; the secure variant is a parameter choice", () => {
    const group = byType(inner, "Microsoft.Insights/actionGroups")[0]!;
    const [receiver] = (group.properties as { webhookReceivers: Array<Record<string, unknown>> })
      .webhookReceivers;
    expect(receiver).toMatchObject({ useCommonAlertSchema: true });
    expect(receiver!.serviceUri).toMatch(/api\/alerts\/secure.*api\/alerts\?code=/);
    expect(receiver!.useAadAuth).toBe("[equals(parameters('webhookAuth'), 'entra')]");
    expect(template.parameters?.webhookAuth).toMatchObject({ allowedValues: ["key", "entra"] });
    const alert = byType(inner, "Microsoft.Insights/metricAlerts")[0]!;
    expect(alert.condition).toBe("[not(empty(parameters('sampleAlertVmId')))]");
    expect(JSON.stringify(alert.properties)).toMatch(
      /captureTimeLimitSeconds.*captureStorageAccountId/,
    );
  });

  test("outputs: app name, webhook URL without its key, identity principal ID", () => {
    expect(Object.keys(template.outputs ?? {})).toEqual(
      expect.arrayContaining(["appName", "webhookUrl", "principalId"]),
    );
    const webhook = JSON.stringify((inner.outputs as Record<string, unknown>).webhookUrl);
    expect(webhook).not.toMatch(/listKeys|code=/);
  });
});

function appSettings(): Map<string, unknown> {
  const site = byType(inner, "Microsoft.Web/sites")[0]!;
  const list = (
    site.properties as { siteConfig: { appSettings: Array<{ name: string; value: unknown }> } }
  ).siteConfig.appSettings;
  return new Map(list.map((s) => [s.name, s.value]));
}
