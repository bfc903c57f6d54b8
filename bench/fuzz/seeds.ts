/**
 * What the fuzzer mutates: every real Azure Monitor sample in test/fixtures/ as it is (resolved,
 * or not targeting a VM), and each schema fired for a VM on the local stack, so mutations reach
 * the deep paths (targets, overrides, dedup, start) and not only the front door.
 */
import { LOCAL_STORAGE_ACCOUNT_ID } from "../../local/stack";
import { firedAlertFor, fixtureNames, readFixture } from "../support/alerts";

export interface Seed {
  name: string;
  body: Record<string, unknown>;
}

export function fuzzSeeds(vmResourceId: string): Seed[] {
  const nonCommon = readFixture("azure-monitor-metric-alert-noncommon.json") as {
    data: { context: Record<string, unknown> };
  };
  nonCommon.data.context.resourceId = vmResourceId;
  const classic = readFixture("classic-metric-alert.json") as { context: Record<string, unknown> };
  classic.context.resourceId = vmResourceId;
  return [
    ...fixtureNames().map((name) => ({ name, body: readFixture(name) })),
    {
      name: "common schema fired for a VM",
      body: firedAlertFor(vmResourceId, { captureTimeLimitSeconds: "2" }),
    },
    { name: "metric alert fired for a VM", body: nonCommon },
    { name: "classic alert for a VM, RequestBody-wrapped", body: { RequestBody: classic } },
    {
      name: "direct request",
      body: { targetVM: vmResourceId, storageID: LOCAL_STORAGE_ACCOUNT_ID, timeLimit: 2 },
    },
  ];
}
