/**
 * Validates ARM traffic another run recorded, e.g. the e2e suite under `npm run contract:e2e`
 * (ARM_EMULATOR_TRAFFIC_DIR=<dir> while it runs, then ARM_CONTRACT_TRAFFIC_DIR=<dir> here). Without
 * ARM_CONTRACT_TRAFFIC_DIR the test is reported as skipped: emulatorContract.test.ts is the
 * self-contained check `npm test` always runs.
 */
import { loadArmContract, readTraffic } from "./support/armContract";

const dir = process.env["ARM_CONTRACT_TRAFFIC_DIR"];

(dir ? test : test.skip)(
  "every exchange recorded in $ARM_CONTRACT_TRAFFIC_DIR matches Microsoft's specs",
  async () => {
    const contract = await loadArmContract();
    const traffic = await readTraffic(dir ?? "");
    expect(traffic.length).toBeGreaterThan(0);
    const verdicts = await Promise.all(
      traffic.map(({ file, traffic: t }) => contract.check(file, t)),
    );
    expect(verdicts.filter((v) => v.issues.length > 0)).toEqual([]);
  },
  120_000,
);
