/** The real Azure Monitor samples (copied from the docs into test/fixtures) and variants built from them. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const FIXTURE_DIR = join(__dirname, "..", "fixtures");

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, name), "utf8")) as Record<string, unknown>;
}

export const VM_ID =
  "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/pipelinealertrg/providers/microsoft.compute/virtualmachines/wcus-r2-gen2";

/** The common-schema sample as it looks when it fires for a VM in a real subscription. */
export function firedCommonAlert(
  customProperties: Record<string, string> = {},
  targetId = VM_ID,
): Record<string, unknown> {
  const alert = fixture("common-schema-metric-alert.json") as {
    data: { essentials: Record<string, unknown>; customProperties: unknown };
  };
  alert.data.essentials.monitorCondition = "Fired";
  alert.data.essentials.alertTargetIDs = [targetId];
  alert.data.customProperties = customProperties;
  return alert;
}
