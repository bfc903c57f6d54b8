// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * `local.settings.json`, read the way `func start` reads it: its `Values` become app settings,
 * over the local stack's own defaults. Connection-string sections and `Host` are Core Tools
 * features this runtime does not have; `AzureWebJobsStorage` stays the stack's Azurite (the task
 * hub must live where the local engine looks). Only key names are ever reported, never values:
 * the file holds secrets.
 */
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";

/** Values the stack must own: reported as ignored. */
const STACK_OWNED = new Set(["AzureWebJobsStorage"]);

const fileShape = z.object({
  IsEncrypted: z.boolean().optional(),
  Values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

export interface LocalSettings {
  file: string;
  /** App settings to lay over the stack's defaults. */
  values: Record<string, string>;
  /** Keys the stack keeps its own value for. */
  ignored: string[];
}

/** The file's settings, or undefined when there is no file; a broken file is an error naming it. */
export function readLocalSettings(file: string): LocalSettings | undefined {
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(
      `${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const parsed = fileShape.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `${file}: ${parsed.error.issues[0]?.path.join(".") ?? "?"} ${parsed.error.issues[0]?.message ?? "is invalid"} (expected {"Values": {"NAME": "value", …}})`,
    );
  if (parsed.data.IsEncrypted)
    throw new Error(
      `${file} is encrypted (IsEncrypted: true); decrypt it with \`func settings decrypt\` first`,
    );
  const values: Record<string, string> = {};
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(parsed.data.Values ?? {})) {
    if (STACK_OWNED.has(key)) ignored.push(key);
    else values[key] = String(value);
  }
  return { file, values, ignored };
}

/** Banner lines: which file and keys were applied (names only). */
export function describeLocalSettings(
  settings: LocalSettings | undefined,
  relativeFile: string,
): string[] {
  if (!settings) return [`  app settings    stack defaults (no ${relativeFile})`];
  const keys = Object.keys(settings.values);
  return [
    `  app settings    ${relativeFile}: ${keys.length ? keys.join(", ") : "no Values"} (values not shown)`,
    ...(settings.ignored.length
      ? [`                  ignored: ${settings.ignored.join(", ")} (the local stack's Azurite)`]
      : []),
  ];
}
