/**
 * Starts the Network Watcher capture. The agent extension is checked first (by publisher and
 * type) because without it ARM accepts the PUT and the session fails minutes later. The PUT is
 * made idempotent: if a retry finds our capture already created, that is success.
 */
import {
  findAgent,
  instancesWithoutAgent,
  updateInstancesCommand,
} from "../lib/domain/agentExtension";
import { instancesInScope, unknownIncluded } from "../lib/domain/instanceFiles";
import { canonicalId } from "../lib/domain/armId";
import { describeError, permanentOrThrow, statusOf } from "../lib/azure/armErrors";
import { failed, ok, type ActivityResult } from "../lib/domain/activityResult";
import {
  createCapture,
  getCapture,
  getTarget,
  installAgent,
  listExtensions,
  listScaleSetInstances,
} from "../lib/azure/networkWatcher";
import type { CaptureSettings, CaptureTarget } from "../lib/domain/types";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import {
  Activities,
  type StartCaptureInput,
  type StartCaptureOutput,
} from "../lib/workflow/contracts";

/**
 * Azure documents the 10,000-session limit but not the error code for hitting it, so the
 * refusal is recognised by code or message naming a limit or quota.
 */
function isSessionLimit(error: unknown): boolean {
  const text = `${(error as { code?: string }).code ?? ""} ${error instanceof Error ? error.message : ""}`;
  return (
    statusOf(error) !== undefined &&
    statusOf(error)! < 500 &&
    /session.?limit|limit.*reached|quota/i.test(text)
  );
}

/** Instances listed in a refusal's message at most: a set may have hundreds. */
const LISTED_INSTANCES = 20;

/**
 * A scale set's instances are checked before capturing. Every instance the scope includes must
 * exist: a `capturePeers` instance ID the set does not have would otherwise surface only as a
 * missing file after the capture. And the agent must run on each instance in scope: installing an
 * extension changes the set's model, and under a Manual upgrade policy no instance runs it until it
 * is upgraded. Capturing then would leave those instances without a file, so the capture is
 * refused with the command that upgrades them.
 */
async function instancesRefusal(
  env: ActivityEnv,
  target: CaptureTarget,
  settings: CaptureSettings,
): Promise<ActivityResult<StartCaptureOutput> | undefined> {
  const instances = await listScaleSetInstances(env.clients, target);
  const unknown = unknownIncluded(instances, settings.scope);
  if (unknown.length) {
    const ids = instances.map((i) => i.instanceId);
    const has = ids.length
      ? `its instances are ${ids.slice(0, LISTED_INSTANCES).join(", ")}${ids.length > LISTED_INSTANCES ? ", …" : ""}`
      : "it has no instances";
    return failed(
      "InstancesNotInScaleSet",
      `instance(s) ${unknown.join(", ")} named for ${target.name} (capturePeers or captureScope) do not exist in the scale set; ${has}`,
      `Name instances the set has (\`az vmss list-instances --resource-group ${target.resourceGroup} --name ${target.name} --query "[].instanceId"\`), then re-run.`,
    );
  }
  const inScope = instancesInScope(instances, settings.scope);
  const without = instancesWithoutAgent(inScope);
  if (!without.length) return undefined;
  const mode = (await getTarget(env.clients, target)).upgradeMode ?? "unknown";
  const why =
    mode.toLowerCase() === "manual"
      ? "its upgrade policy is Manual, so the agent added to the set's model reaches an instance only when that instance is upgraded"
      : `its upgrade policy is ${mode} and the upgrade has not reached them yet`;
  return failed(
    "AgentNotOnInstances",
    `the Network Watcher agent is not running on instance(s) ${without.join(", ")} of ${target.name}: ${why}; they would capture nothing`,
    `Run \`${updateInstancesCommand(target, without)}\`, then re-run.`,
  );
}

export async function startCapture(
  input: StartCaptureInput,
  env: ActivityEnv,
): Promise<ActivityResult<StartCaptureOutput>> {
  const { clients, settings, log } = env;
  const { watcher, target, name } = input;
  try {
    const agent = findAgent(await listExtensions(clients, target));
    if (!agent) {
      if (!settings.CAPTURE_INSTALL_AGENT) {
        return failed(
          "AgentMissing",
          `the Network Watcher agent extension is not installed on ${target.name}`,
          "Install AzureNetworkWatcherExtension (publisher Microsoft.Azure.NetworkWatcher) on the VM, or set CAPTURE_INSTALL_AGENT=true, then re-run.",
        );
      }
      log(`installing the Network Watcher agent on ${target.name}`);
      await installAgent(clients, target, await getTarget(clients, target));
    } else if (agent.provisioningState && agent.provisioningState.toLowerCase() === "failed") {
      return failed(
        "AgentFailed",
        `the Network Watcher agent extension ${agent.name ?? ""} on ${target.name} is in state Failed`,
        "Reinstall the extension on the VM, then re-run.",
      );
    }
    if (target.kind === "virtualMachineScaleSet") {
      const refusal = await instancesRefusal(env, target, input.settings);
      if (refusal) return refusal;
    }
  } catch (error) {
    return permanentOrThrow(
      error,
      "AgentCheckFailed",
      "Grant the identity Microsoft.Compute/virtualMachines/extensions/read (and write to install the agent; virtualMachineScaleSets/virtualMachines/read for a scale set's instances).",
    );
  }

  try {
    const created = await createCapture(clients, watcher, target, name, input.settings);
    log(`started ${name} on ${target.name} for ${input.settings.timeLimitInSeconds} s`);
    return ok({ name, id: created.id ?? name, provisioningState: created.provisioningState });
  } catch (error) {
    if (statusOf(error) === 409) {
      const existing = await getCapture(clients, watcher, name);
      if (existing?.target && canonicalId(existing.target) === canonicalId(target.resourceId))
        return ok({ name, id: name, provisioningState: existing.provisioningState });
    }
    if (isSessionLimit(error)) {
      return failed(
        "QuotaExceeded",
        `ARM refused the capture: the region's session limit is reached (${describeError(error)})`,
        "Wait for captures to finish or stop some; the orchestration retries within its quota budget.",
      );
    }
    return permanentOrThrow(
      error,
      "CaptureRejected",
      "Read the ARM message: check the storage account (not premium, same subscription), the filters and the limits.",
    );
  }
}

defineActivity(Activities.startCapture, startCapture);
