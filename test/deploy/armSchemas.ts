/**
 * Validates ARM template JSON against Microsoft's published resource schemas
 * (Azure/azure-resource-manager-schemas, vendored under deploy/schemas — nothing is fetched):
 * the template's own keys against the deployment template schema of its scope, and every resource
 * against that schema's resourceBase together with the provider schema's definition for its type
 * and apiVersion. The schemas are draft-04 with cross-file $refs, resolved offline by ajv from the
 * vendored files; ARM expressions ("[...]") pass where the schemas allow them (their `expression`
 * pattern).
 *
 * A deployment template schema's `resource` definition is allOf(resourceBase, oneOf(every provider
 * definition ever published)); vendoring hundreds of provider files to compile that oneOf is what
 * "only the schema files you need" rules out. So those definitions are left out when the template
 * schemas are registered, and each resource is validated against the one branch of that oneOf its
 * type and apiVersion select: allOf(resourceBase, that provider definition).
 *
 * Two artefacts of how the schemas were generated from the REST specs would reject valid
 * templates under draft-04's literal semantics, so the loaded copies are normalised (the files on
 * disk stay byte-identical to upstream):
 * - `oneOf: [T, expression]` encodes "a T or an ARM expression"; where T accepts strings (e.g. `{}`
 *   for a deployment parameter's value) an expression matches both and oneOf fails. It is read as
 *   anyOf, which is what the union means.
 * - A polymorphic type (e.g. metric alert criteria) is a oneOf over its subtypes with the base type's
 *   `additionalProperties` at the root, where draft-04 applies it to every property the subtypes
 *   declare (so `odata.type` "must be object"). It is moved into each subtype, as the spec means.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv-draft-04";

export type Scope = "subscription" | "resourceGroup";

export interface ArmResource {
  type: string;
  apiVersion: string;
  name: string;
  [key: string]: unknown;
}

export interface ArmTemplate {
  $schema: string;
  parameters?: Record<string, { type: string; defaultValue?: unknown }>;
  variables?: Record<string, unknown>;
  resources: ArmResource[];
  outputs?: Record<string, unknown>;
  [key: string]: unknown;
}

interface SchemaFile {
  id: string;
  properties?: Record<string, unknown>;
  required?: string[];
  definitions?: Record<string, { properties?: Record<string, unknown>; allOf?: unknown[] }>;
  [section: string]: unknown;
}

const TEMPLATE_SCHEMA: Record<Scope, string> = {
  subscription:
    "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
  resourceGroup: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
};
const SECTION: Record<Scope, string> = {
  subscription: "subscription_resourceDefinitions",
  resourceGroup: "resourceDefinitions",
};
/**
 * Documented template properties of nested deployments that the published schemas leave out:
 * where a subscription-scope template deploys into a resource group.
 * https://learn.microsoft.com/azure/azure-resource-manager/templates/deploy-to-resource-group
 */
const UNDECLARED_BUT_DOCUMENTED: Record<string, string[]> = {
  "Microsoft.Resources/deployments": ["resourceGroup", "subscriptionId"],
};

function readSchemas(dir: string): SchemaFile[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? readSchemas(join(dir, entry.name))
      : entry.name.endsWith(".json")
        ? [JSON.parse(readFileSync(join(dir, entry.name), "utf8")) as SchemaFile]
        : [],
  );
}

const RESOURCE_UNION = /^resources?(WithSymbolicNames?|WithoutSymbolicNames?)?$/;

const EXPRESSION_REF =
  "https://schema.management.azure.com/schemas/common/definitions.json#/definitions/expression";

/** The two normalisations described in the module comment, applied throughout a schema. */
function normalise(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalise);
  if (!node || typeof node !== "object") return node;
  const out = Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, normalise(value)]),
  ) as Record<string, unknown>;
  const oneOf = out.oneOf as Array<Record<string, unknown>> | undefined;
  if (oneOf?.some((branch) => branch.$ref === EXPRESSION_REF)) {
    out.anyOf = oneOf;
    delete out.oneOf;
  }
  const ownProperties = Object.keys((out.properties as object | undefined) ?? {});
  if (oneOf && out.additionalProperties !== undefined && ownProperties.length === 0) {
    const extra = out.additionalProperties;
    delete out.additionalProperties;
    for (const branch of oneOf) {
      if (branch.properties && branch.additionalProperties === undefined)
        branch.additionalProperties = extra;
    }
  }
  return out;
}

/** The template schema minus its union over every provider's resources (see the module comment). */
function withoutResourceUnion(file: SchemaFile): SchemaFile {
  if (!file.definitions?.resourceBase) return file;
  const definitions = Object.fromEntries(
    Object.entries(file.definitions).filter(([name]) => !RESOURCE_UNION.test(name)),
  );
  const properties = Object.fromEntries(
    Object.entries(file.properties ?? {}).filter(([name]) => name !== "resources"),
  );
  return { ...file, definitions, properties };
}

/** Property names a schema object declares, following allOf and local #/definitions refs. */
function declared(schema: unknown, file: SchemaFile): string[] {
  if (!schema || typeof schema !== "object") return [];
  const s = schema as { properties?: object; allOf?: unknown[]; $ref?: string };
  const own = Object.keys(s.properties ?? {});
  const viaAllOf = (s.allOf ?? []).flatMap((part) => declared(part, file));
  const local = s.$ref?.startsWith("#/definitions/")
    ? declared(file.definitions?.[s.$ref.slice("#/definitions/".length)], file)
    : [];
  return [...own, ...viaAllOf, ...local];
}

export class ArmSchemaValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly files: SchemaFile[];

  constructor(schemaDir: string) {
    this.files = readSchemas(schemaDir);
    for (const file of this.files)
      this.ajv.addSchema(normalise(withoutResourceUnion(file)) as SchemaFile);
  }

  private file(id: string): SchemaFile {
    const file = this.files.find((f) => f.id === id);
    if (!file) throw new Error(`schema ${id} is not vendored in deploy/schemas`);
    return file;
  }

  /** The provider schema definition for a type at an apiVersion, as a $ref, or undefined. */
  resourceDefinition(type: string, apiVersion: string, scope: Scope): string | undefined {
    for (const file of this.files) {
      if (!file.id.includes(`/schemas/${apiVersion}/`)) continue;
      const section = (file[SECTION[scope]] ?? {}) as Record<
        string,
        { properties?: { type?: { enum?: string[] }; apiVersion?: { enum?: string[] } } }
      >;
      for (const [name, def] of Object.entries(section)) {
        if (
          def.properties?.type?.enum?.includes(type) &&
          def.properties.apiVersion?.enum?.includes(apiVersion)
        )
          return `${file.id}/${SECTION[scope]}/${name}`;
      }
    }
    return undefined;
  }

  /** Problems with one resource (empty when valid). */
  validateResource(resource: ArmResource, scope: Scope): string[] {
    const where = `${resource.type}@${resource.apiVersion} "${resource.name}"`;
    const definition = this.resourceDefinition(resource.type, resource.apiVersion, scope);
    if (!definition) return [`${where}: no published schema for this type and apiVersion`];
    const base = `${TEMPLATE_SCHEMA[scope]}/definitions/resourceBase`;
    const validate = this.ajv.compile({ allOf: [{ $ref: base }, { $ref: definition }] });
    const problems = validate(resource)
      ? []
      : (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || "/"} ${e.message}`);
    const [fileId, section, name] = [
      definition.slice(0, definition.indexOf("#") + 1),
      SECTION[scope],
      definition.slice(definition.lastIndexOf("/") + 1),
    ];
    const providerFile = this.file(fileId);
    const templateFile = this.file(TEMPLATE_SCHEMA[scope]);
    const known = new Set([
      ...declared((providerFile[section] as Record<string, unknown>)[name], providerFile),
      ...declared(templateFile.definitions?.resourceBase, templateFile),
      ...(UNDECLARED_BUT_DOCUMENTED[resource.type] ?? []),
    ]);
    for (const key of Object.keys(resource)) {
      if (!known.has(key)) problems.push(`${where}: property "${key}" is not in the schema`);
    }
    return problems;
  }

  /** Problems with the template's own keys (everything but the resources). */
  validateEnvelope(template: ArmTemplate, scope: Scope): string[] {
    const schema = this.file(TEMPLATE_SCHEMA[scope]);
    const problems: string[] = [];
    if (template.$schema !== schema.id)
      problems.push(`$schema is ${template.$schema}, expected ${schema.id}`);
    for (const key of schema.required ?? [])
      if (!(key in template)) problems.push(`missing ${key}`);
    for (const [key, value] of Object.entries(template)) {
      if (!(key in (schema.properties ?? {}))) {
        problems.push(`template property "${key}" is not in the schema`);
        continue;
      }
      if (key === "resources") continue;
      const validate = this.ajv.compile({ $ref: `${schema.id}/properties/${key}` });
      if (!validate(value))
        problems.push(
          ...(validate.errors ?? []).map((e) => `${key}${e.instancePath} ${e.message}`),
        );
    }
    return problems;
  }
}

/** Names used as parameters('x') / variables('x') in the template's expressions, not its nested inner-scope templates. */
export function expressionReferences(template: ArmTemplate): {
  parameters: string[];
  variables: string[];
} {
  const parameters: string[] = [];
  const variables: string[] = [];
  const visit = (value: unknown, key?: string): void => {
    if (typeof value === "string") {
      if (!value.startsWith("[") || value.startsWith("[[")) return;
      for (const m of value.matchAll(/\bparameters\('([^']+)'\)/g)) parameters.push(m[1]!);
      for (const m of value.matchAll(/\bvariables\('([^']+)'\)/g)) variables.push(m[1]!);
    } else if (Array.isArray(value)) {
      value.forEach((item) => visit(item));
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        // A nested template evaluated in its own (inner) scope resolves its own references.
        if (key === "properties" && k === "template") continue;
        visit(v, k);
      }
    }
  };
  visit(template);
  return { parameters, variables };
}
