/**
 * Validates ARM traffic another run recorded, e.g. the e2e suite under `npm run contract:e2e`
 * (ARM_EMULATOR_TRAFFIC_DIR=<dir> while it runs, then ARM_CONTRACT_TRAFFIC_DIR=<dir> here). Without
 * ARM_CONTRACT_TRAFFIC_DIR the test is reported as skipped: emulatorContract.test.ts is the
 * self-contained check `npm test` always runs. As there, an exchange no vendored operation matches
 * fails too: oav checks nothing of it, so passing it would let a call escape the contract.
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
    console.log(
      `${verdicts.length} exchanges: ${verdicts.filter((v) => v.issues.length > 0).length} with violations, ${verdicts.filter((v) => !v.specOperation).length} matching no vendored operation`,
    );
    expect(verdicts.filter((v) => v.issues.length > 0)).toEqual([]);
    expect(
      verdicts.filter((v) => !v.specOperation).map((v) => `${v.operation} (${v.file})`),
    ).toEqual([]);
  },
  120_000,
);
