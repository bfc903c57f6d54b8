/**
 * Alert bodies for benches, built from the real Azure Monitor samples in test/fixtures/. Read via
 * the project root, because benches run compiled from dist/, where the fixtures are not copied.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../local/stack";

const FIXTURE_DIR = path.join(PROJECT_ROOT, "test", "fixtures");

export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((name) => name.endsWith(".json"))
    .sort();
}

export function readFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(FIXTURE_DIR, name), "utf8")) as Record<string, unknown>;
}

/** The common-schema sample as Azure Monitor posts it when the rule fires for `vmResourceId`. */
export function firedAlertFor(
  vmResourceId: string,
  customProperties: Record<string, string> = {},
): Record<string, unknown> {
  const alert = readFixture("common-schema-metric-alert.json") as {
    data: { essentials: Record<string, unknown>; customProperties: unknown };
  };
  alert.data.essentials.monitorCondition = "Fired";
  alert.data.essentials.alertTargetIDs = [vmResourceId];
  alert.data.customProperties = customProperties;
  return alert;
}
