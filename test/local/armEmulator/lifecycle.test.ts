// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/** TLS material reuse, trust through NODE_EXTRA_CA_CERTS in a fresh process, and stop() ending every tcpdump. */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { startArmEmulator } from "../../../local/armEmulator";
import { ensureTlsMaterial } from "../../../local/armEmulator/tlsMaterial";
import { startAzurite, type RunningAzurite } from "./support/azurite";
import { SUBSCRIPTION, TOKEN, sdkClients } from "./support/clients";
import { WATCHER, WATCHER_RG, captureOn, vmId } from "./support/emulatorFixture";

const run = promisify(execFile);
let stateDir: string;
let azurite: RunningAzurite;

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), "armemu-life-"));
  azurite = await startAzurite();
}, 60_000);

afterAll(async () => {
  await azurite?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

test("TLS material is generated once and reused; an unusable certificate is replaced", async () => {
  const first = await ensureTlsMaterial(stateDir);
  const second = await ensureTlsMaterial(stateDir);
  expect(second).toEqual(first);
  await writeFile(path.join(stateDir, "tls", "server.pem"), "garbage");
  const third = await ensureTlsMaterial(stateDir);
  expect(third.cert).not.toBe(first.cert);
  expect(third.cert).toContain("BEGIN CERTIFICATE");
});

test("a separate process trusts the emulator through NODE_EXTRA_CA_CERTS alone, with verification on", async () => {
  const emulator = await startArmEmulator({
    stateDir,
    token: TOKEN,
    storageConnectionString: azurite.connectionString,
  });
  try {
    const script = `
      const { NetworkManagementClient } = require("@azure/arm-network");
      const credential = { getToken: async () => ({ token: ${JSON.stringify(TOKEN)}, expiresOnTimestamp: Date.now() + 3600000 }) };
      const client = new NetworkManagementClient(credential, ${JSON.stringify(SUBSCRIPTION)}, { endpoint: ${JSON.stringify(emulator.url)} });
      (async () => { const names = []; for await (const w of client.networkWatchers.listAll()) names.push(w.name); console.log(JSON.stringify(names)); })()
        .catch((e) => { console.error(e.message); process.exit(1); });`;
    const env = { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: undefined };
    const trusted = await run(process.execPath, ["-e", script], {
      cwd: process.cwd(),
      env: { ...env, NODE_EXTRA_CA_CERTS: emulator.caCertPath },
      timeout: 30_000,
    });
    expect(JSON.parse(trusted.stdout)).toEqual([WATCHER]);
    await expect(
      run(process.execPath, ["-e", script], { cwd: process.cwd(), env, timeout: 30_000 }),
    ).rejects.toMatchObject({
      stderr: expect.stringMatching(/certificate/i),
    });
  } finally {
    await emulator.stop();
  }
}, 60_000);

test("stop() ends every running tcpdump", async () => {
  const emulator = await startArmEmulator({
    stateDir,
    token: TOKEN,
    storageConnectionString: azurite.connectionString,
  });
  const { network } = sdkClients(emulator);
  await network.packetCaptures.create(WATCHER_RG, WATCHER, "pc-a", captureOn(vmId("vm-a")));
  await network.packetCaptures.create(WATCHER_RG, WATCHER, "pc-b", captureOn(vmId("vm-b")));
  const pids = emulator.sessions().map((s) => s.pid ?? 0);
  expect(pids).toHaveLength(2);
  await emulator.stop();
  for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  expect(await readFile(path.join(stateDir, "tls", "ca.pem"), "utf8")).toContain(
    "BEGIN CERTIFICATE",
  );
});
