// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/** One Azurite + one emulator per test file, torn down in afterAll, with no session left running. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ComputeManagementClient } from "@azure/arm-compute";
import type { NetworkManagementClient, PacketCapture } from "@azure/arm-network";
import {
  startArmEmulator,
  type ArmEmulator,
  type ArmEmulatorOptions,
} from "../../../../local/armEmulator";
import { startAzurite, type RunningAzurite } from "./azurite";
import { SUBSCRIPTION, TOKEN, sdkClients } from "./clients";

export const WATCHER_RG = "NetworkWatcherRG";
export const WATCHER = "NetworkWatcher_westeurope";
export const STORAGE = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-diag/providers/Microsoft.Storage/storageAccounts/capstore`;
export const vmId = (name: string, rg = "rg-app"): string =>
  `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`;

export interface EmulatorFixture {
  azurite: RunningAzurite;
  emulator: ArmEmulator;
  network: NetworkManagementClient;
  compute: ComputeManagementClient;
  scratch: string;
}

/** Registers beforeAll/afterAll; the returned object is filled in before the first test runs. */
export function useEmulator(
  options: Partial<Omit<ArmEmulatorOptions, "stateDir" | "token" | "storageConnectionString">> = {},
): EmulatorFixture {
  const fixture = {} as EmulatorFixture;
  let stateDir = "";
  beforeAll(async () => {
    fixture.azurite = await startAzurite();
    stateDir = await mkdtemp(path.join(tmpdir(), "armemu-state-"));
    fixture.scratch = await mkdtemp(path.join(tmpdir(), "armemu-scratch-"));
    fixture.emulator = await startArmEmulator({
      ...options,
      stateDir,
      token: TOKEN,
      storageConnectionString: fixture.azurite.connectionString,
    });
    Object.assign(fixture, sdkClients(fixture.emulator));
  }, 60_000);
  afterAll(async () => {
    const leftOver = fixture.emulator?.sessions() ?? [];
    await fixture.emulator?.stop();
    await fixture.azurite?.stop();
    await rm(stateDir, { recursive: true, force: true });
    if (fixture.scratch) await rm(fixture.scratch, { recursive: true, force: true });
    expect(leftOver).toEqual([]);
  });
  return fixture;
}

export function captureOn(target: string, overrides: Partial<PacketCapture> = {}): PacketCapture {
  return { target, storageLocation: { storageId: STORAGE }, timeLimitInSeconds: 60, ...overrides };
}
