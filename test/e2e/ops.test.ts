/**
 * Operating the app through its ops API, CLI and page, on the whole local stack: failed captures
 * are re-run once their cause is fixed (one through the CLI, twenty through the bulk API, one
 * from the page in headless Chromium), purge keeps running captures, stop cancels gracefully.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ComputeManagementClient } from "@azure/arm-compute";
import type { CaptureReport } from "../../lib/workflow/contracts";
import {
  alertFor,
  postAlert,
  startTestStack,
  SUBSCRIPTION,
  vmId,
  waitForEnd,
  type TestStack,
} from "./support/testStack";

jest.setTimeout(300_000);

const PROJECT_ROOT = path.join(__dirname, "..", "..");
const CLI = path.join(PROJECT_ROOT, "dist", "scripts", "ops", "cli.js");
const CHROMIUM = "/usr/bin/chromium";

let stack: TestStack;
let stateDir: string;

beforeAll(async () => {
  // Our own state dir, so the test can read the ARM emulator's token and reinstall an agent like an operator would.
  stateDir = mkdtempSync(path.join(tmpdir(), "apc-ops-"));
  stack = await startTestStack({ stateDir });
});
afterAll(async () => {
  await stack?.dispose();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

/** The fields of the ops API's JSON answers these tests read (each answer has some of them). */
interface OpsBody {
  error?: string;
  matched?: number;
  items?: Array<{ instanceId: string }>;
  continuationToken?: string;
  runtimeStatus?: string;
  phase?: string;
  [field: string]: unknown;
}

async function ops(
  route: string,
  init: RequestInit & { key?: string } = {},
): Promise<{ status: number; body: OpsBody }> {
  const headers = {
    "x-functions-key": init.key ?? stack.endpoints.masterKey,
    ...(init.body ? { "content-type": "application/json" } : {}),
  };
  const response = await fetch(`${stack.endpoints.functionsUrl}/api/ops${route}`, {
    ...init,
    headers,
    redirect: "manual",
  });
  const text = await response.text();
  return {
    status: response.status,
    body:
      text && response.headers.get("content-type")?.includes("json")
        ? (JSON.parse(text) as OpsBody)
        : { text },
  };
}

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLI, ...args, "--url", stack.endpoints.functionsUrl, "--key", stack.endpoints.masterKey],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function capture(
  vm: string,
  props: Record<string, string> = {},
  alert = alertFor(vm, { captureTimeLimitSeconds: "2", ...props }),
): Promise<{ id: string; statusUrl: string }> {
  const accepted = await postAlert(stack, alert);
  expect(accepted.status).toBe(202);
  return { id: String(accepted.body.id), statusUrl: String(accepted.body.statusQueryGetUri) };
}

/** What an operator does about AgentMissing: install the extension, here through the ARM emulator's compute API. */
async function installAgent(vm: string): Promise<void> {
  const { armToken } = JSON.parse(readFileSync(path.join(stateDir, "secrets.json"), "utf8")) as {
    armToken: string;
  };
  const credential = {
    getToken: async () => ({ token: armToken, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
  const compute = new ComputeManagementClient(credential, SUBSCRIPTION, {
    endpoint: stack.arm.url,
    tlsOptions: { ca: readFileSync(stack.arm.caCertPath, "utf8") },
  });
  const extension = {
    location: "westeurope",
    publisher: "Microsoft.Azure.NetworkWatcher",
    typePropertiesType: "NetworkWatcherAgentLinux",
    typeHandlerVersion: "1.4",
    autoUpgradeMinorVersion: true,
  };
  await compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(
    "prod-rg",
    vm,
    "AzureNetworkWatcherExtension",
    extension,
    { updateIntervalInMs: 200 },
  );
}

async function waitForPhase(id: string, phase: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = await ops(`/captures/${id}`);
    if (shown.body.phase === phase) return;
    if (Date.now() > deadline)
      throw new Error(
        `${id} never reached ${phase} (last: ${shown.body.runtimeStatus} ${shown.body.phase})`,
      );
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

test("the API wants the master key and answers caller mistakes with 400/404/409, never 500", async () => {
  expect((await ops("/captures", { key: stack.endpoints.functionKey })).status).toBe(401);
  expect((await fetch(`${stack.endpoints.functionsUrl}/api/ops/captures`)).status).toBe(401);
  // The key belongs in the header: in a URL it would end up in histories and logs.
  const keyInUrl = await fetch(
    `${stack.endpoints.functionsUrl}/api/ops/captures?code=${encodeURIComponent(stack.endpoints.masterKey)}`,
  );
  expect(keyInUrl.status).toBe(400);
  expect(await keyInUrl.text()).toContain("x-functions-key");
  expect(await ops("/captures?since=yesterday")).toMatchObject({
    status: 400,
    body: { error: expect.stringContaining("since") },
  });
  expect(await ops("/captures?status=Exploded")).toMatchObject({
    status: 400,
    body: { error: expect.stringContaining("status") },
  });
  expect(await ops("/captures/never-was")).toMatchObject({ status: 404 });
  expect(await ops("/captures/never-was/stop", { method: "POST" })).toMatchObject({ status: 404 });
  expect(await ops("/captures/never-was/rerun", { method: "POST" })).toMatchObject({ status: 404 });
  expect(await ops("/captures/bad%20id/stop", { method: "POST" })).toMatchObject({ status: 400 });
  expect(await ops("/captures/rerun", { method: "POST", body: "{not json" })).toMatchObject({
    status: 400,
  });
  expect(await ops("/captures/rerun", { method: "POST", body: "{}" })).toMatchObject({
    status: 400,
    body: { error: expect.stringContaining("since") },
  });
  expect(await ops("/captures", { method: "DELETE" })).toMatchObject({
    status: 400,
    body: { error: expect.stringContaining("olderThanDays") },
  });
  expect(await ops("/captures?olderThanDays=-3", { method: "DELETE" })).toMatchObject({
    status: 400,
  });
});

test("the page and its routes admit a signed-in session only; a principal header sent by the client is dropped", async () => {
  const base = stack.endpoints.functionsUrl;
  const anonymous = await fetch(`${base}/api/ops?since=1h`, { redirect: "manual" });
  expect(anonymous.status).toBe(302);
  expect(anonymous.headers.get("location")).toBe(
    "/.auth/login/aad?post_login_redirect_uri=%2Fapi%2Fops%3Fsince%3D1h",
  );
  const forged = Buffer.from(
    JSON.stringify({ auth_typ: "aad", claims: [{ typ: "roles", val: "CaptureOps" }] }),
  ).toString("base64");
  const withForged = await fetch(`${base}/api/ops/web/captures`, {
    headers: { "x-ms-client-principal": forged },
  });
  expect(withForged.status).toBe(401);
  // The master key opens the key routes, not the signed-in ones.
  const withKey = await fetch(`${base}/api/ops/web/captures`, {
    headers: { "x-functions-key": stack.endpoints.masterKey },
  });
  expect(withKey.status).toBe(401);

  const login = await fetch(`${base}/.auth/login/aad?post_login_redirect_uri=//evil.example/`, {
    redirect: "manual",
  });
  expect(login.headers.get("location")).toBe("/");
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] as string;
  expect(cookie).toMatch(/^AppServiceAuthSession=/);
  const listed = await fetch(`${base}/api/ops/web/captures?since=1h`, { headers: { cookie } });
  expect(listed.status).toBe(200);
  // A change without the page's header (a cross-site form could send the cookie) is refused.
  const crossSite = await fetch(`${base}/api/ops/web/captures/never-was/rerun`, {
    method: "POST",
    headers: { cookie },
  });
  expect(crossSite.status).toBe(403);
  const fromPage = await fetch(`${base}/api/ops/web/captures/never-was/rerun`, {
    method: "POST",
    headers: { cookie, "x-ops-page": "1" },
  });
  expect(fromPage.status).toBe(404);
});

test("AgentMissing → agent installed → CLI `rerun --failed --since 1h` → Completed, and the notification's link downloads the .cap", async () => {
  stack.arm.faults.add({ kind: "agentMissing", target: vmId("ops-agent") });
  const { id, statusUrl } = await capture("ops-agent");
  expect((await waitForEnd(statusUrl, 60_000)).runtimeStatus).toBe("Failed");
  const failureNote = await stack.sink.waitFor(
    (n) => n.channel === "generic" && (n.body as { instanceId?: string }).instanceId === id,
    15_000,
  );
  // The failure notification's two re-run commands name this CLI and this API's route.
  const commands = (failureNote.body as { rerun?: { cli: string; http: string } }).rerun;
  expect(commands?.cli).toBe(`npm run ops -- rerun ${id}`);
  expect(commands?.http).toBe(
    `curl -X POST -H "x-functions-key: <admin key>" "${stack.endpoints.functionsUrl}/api/ops/captures/${id}/rerun"`,
  );

  const listed = await cli("list", "--status", "Failed", "--since", "1h", "--target", "ops-agent");
  expect(listed.code).toBe(0);
  expect(listed.stdout).toContain(id);
  expect(listed.stdout).toContain("AgentMissing");

  await installAgent("ops-agent");
  const rerun = await cli("rerun", "--failed", "--since", "1h", "--target", "ops-agent");
  expect(rerun).toMatchObject({ code: 0 });
  expect(rerun.stdout).toContain("1 of 1 started");
  expect(rerun.stderr).toContain(`rerun 1/1 ${id} started`);

  const end = await waitForEnd(statusUrl, 90_000);
  expect(end.runtimeStatus).toBe("Completed");
  expect((end.output as CaptureReport).outcome).toBe("succeeded");
  const note = await stack.sink.waitFor(
    (n) =>
      n.channel === "generic" &&
      (n.body as { instanceId?: string; outcome?: string }).instanceId === id &&
      (n.body as { outcome?: string }).outcome === "succeeded",
    15_000,
  );
  const { capture: file } = note.body as { capture: { downloadUrl: string; sizeBytes: number } };
  const download = await fetch(file.downloadUrl);
  expect(download.status).toBe(200);
  const bytes = Buffer.from(await download.arrayBuffer());
  expect(bytes.byteLength).toBe(file.sizeBytes);
  expect(bytes.readUInt32LE(0)).toBe(0xa1b2c3d4);

  const shown = await cli("show", id);
  expect(shown.code).toBe(0);
  expect(shown.stdout).toContain("History:");
  expect(shown.stdout).toMatch(/verifyCaptureBlob answered in [\d.]+ s: storagePath=/);
  const again = await cli("rerun", id);
  expect(again.code).toBe(1);
  expect(again.stdout).toContain("capture is Completed");
});

test("bulk: twenty captures failed by a rejected create, re-run in one API call, all complete", async () => {
  // The create fault is not tied to a VM: nothing else may be creating captures meanwhile.
  expect((await ops("/captures?status=Pending,Running&since=1h")).body.matched).toBe(0);
  const vms = Array.from({ length: 20 }, (_, i) => `bulk-${String(i).padStart(2, "0")}`);
  stack.arm.faults.add({
    kind: "lroFailure",
    operation: "PacketCaptures_Create",
    count: vms.length,
    code: "PacketCaptureFailed",
    message: "agent not reachable",
  });
  const started = await Promise.all(vms.map((vm) => capture(vm)));
  const failed = await Promise.all(started.map((s) => waitForEnd(s.statusUrl, 90_000)));
  expect(failed.map((f) => f.runtimeStatus)).toEqual(vms.map(() => "Failed"));
  expect(stack.arm.faults.pending()).toEqual([]);

  const listed = await ops("/captures?status=Failed&since=1h&target=bulk-&top=7");
  expect(listed.body).toMatchObject({ matched: 20 });
  expect(listed.body.items).toHaveLength(7);
  expect(listed.body.continuationToken).toEqual(expect.any(String));

  const rerun = await ops("/captures/rerun", {
    method: "POST",
    body: JSON.stringify({ status: "Failed", since: "1h", target: "bulk-" }),
  });
  expect(rerun.status).toBe(200);
  expect(rerun.body).toMatchObject({ matched: 20, attempted: 20, started: 20, truncated: false });
  const ends = await Promise.all(started.map((s) => waitForEnd(s.statusUrl, 120_000)));
  expect(
    ends.map((e) => `${e.runtimeStatus}/${(e.output as CaptureReport | undefined)?.outcome}`),
  ).toEqual(vms.map(() => "Completed/succeeded"));
  expect(stack.arm.sessions()).toEqual([]);
});

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(
    `ops page test skipped: ${CHROMIUM} is missing (scripts/install-system-deps.sh installs it as root)`,
  );

(hasChromium ? test : test.skip)(
  "ops page in headless Chromium: signed in without a key, rows render, a hostile rule name stays text, re-run works, no key in page, links, forms or history",
  async () => {
    const { chromium } = await import("playwright-core");
    const hostileRule = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
    const alert = alertFor("ops-page", { captureTimeLimitSeconds: "2" }) as {
      data: { essentials: Record<string, unknown> };
    };
    alert.data.essentials.alertRule = hostileRule;
    stack.arm.faults.add({ kind: "agentMissing", target: vmId("ops-page") });
    const { id, statusUrl } = await capture("ops-page", {}, alert);
    expect((await waitForEnd(statusUrl, 60_000)).runtimeStatus).toBe("Failed");
    await installAgent("ops-page");

    const profile = mkdtempSync(path.join(tmpdir(), "apc-chromium-"));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1400, height: 900 },
    });
    const keys = [stack.secrets.masterKey, stack.secrets.functionKey, stack.secrets.systemKey];
    // Every URL the browser asks for, to prove no key ever travels in one.
    const requested: string[] = [];
    browser.on("request", (r) => requested.push(r.url()));
    try {
      const page = await browser.newPage();
      // No key: the page sends the browser through App Service Authentication's sign-in and back.
      const response = await page.goto(`${stack.endpoints.functionsUrl}/api/ops?since=1h&top=100`);
      expect(response?.status()).toBe(200);
      expect(new URL(page.url()).pathname).toBe("/api/ops");
      expect(requested.some((u) => new URL(u).pathname === "/.auth/login/aad")).toBe(true);
      expect(response?.headers()["content-security-policy"]).toContain("default-src 'none'");
      expect(await page.locator(".meta").textContent()).toContain("signed in as dev@localhost");
      const listed = await ops("/captures?since=1h&top=100");
      expect(await page.locator("tbody tr").count()).toBe(listed.body.items?.length);
      const row = page.locator(`tr[data-instance-id="${id}"]`);
      expect(await row.locator(".badge").textContent()).toBe("Failed");
      expect(await row.locator("td").nth(2).textContent()).toContain(hostileRule);
      expect(await page.evaluate("window.__pwned")).toBeUndefined();
      expect(await page.locator("img").count()).toBe(0);

      await row.locator("button.rerun").click();
      await row.locator("button.rerun", { hasText: "Re-run started" }).waitFor({ timeout: 15_000 });
      expect(await page.locator("#notice").textContent()).toContain(id);
      const end = await waitForEnd(statusUrl, 90_000);
      expect(end.runtimeStatus).toBe("Completed");

      await page.reload();
      expect(await row.locator(".badge").textContent()).toBe("Completed");
      expect(await row.locator("button.rerun").count()).toBe(0);
      // The download link is a signed-in route: with the session cookie it leads, through our
      // redirect, to the capture file; without the session it is refused.
      const href = await row.locator("a", { hasText: ".cap" }).getAttribute("href");
      expect(href).toBe(`/api/ops/web/captures/${id}/files/capture`);
      const file = await page.request.get(
        new URL(href as string, stack.endpoints.functionsUrl).href,
      );
      expect(file.status()).toBe(200);
      expect((await file.body()).byteLength).toBe((end.output as CaptureReport).blob?.sizeBytes);
      expect((await fetch(new URL(href as string, stack.endpoints.functionsUrl))).status).toBe(401);

      // The filter form: filtering by this VM shows just its row.
      await page.locator('#filter input[name="target"]').fill("ops-page");
      await Promise.all([
        page.waitForURL(/target=ops-page/),
        page.locator("#filter button").click(),
      ]);
      expect(await page.locator("tbody tr").count()).toBe(1);
      expect(await row.locator(".badge").textContent()).toBe("Completed");

      // No key in the page, its links, its forms, the URLs asked for, or the navigation history.
      const noKey = (text: string) => {
        for (const key of keys) expect(text).not.toContain(key);
        expect(text).not.toMatch(/[?&]code=/);
      };
      noKey(await page.content());
      const attributes = await page.evaluate<
        string[]
      >(`[...document.querySelectorAll("a, form, input")]
        .map((e) => [e.getAttribute("href"), e.getAttribute("action"), e.getAttribute("value")].join(" "))`);
      noKey(attributes.join("\n"));
      const cdp = await browser.newCDPSession(page);
      const history = (await cdp.send("Page.getNavigationHistory")) as {
        entries: Array<{ url: string }>;
      };
      expect(history.entries.length).toBeGreaterThanOrEqual(3);
      noKey(history.entries.map((e) => e.url).join("\n"));
      noKey(requested.join("\n"));

      const png = await page.screenshot({ fullPage: true });
      if (process.env.OPS_SCREENSHOT) writeFileSync(process.env.OPS_SCREENSHOT, png);
      expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
      expect(png.byteLength).toBeGreaterThan(20_000);
      // Decode it in the browser itself and count colours: a blank or error page has a handful.
      const canvas = await browser.newPage();
      const colours = await canvas.evaluate(`(async () => {
      const image = new Image();
      image.src = "data:image/png;base64,${png.toString("base64")}";
      await image.decode();
      const c = document.createElement("canvas");
      c.width = image.width; c.height = image.height;
      const g = c.getContext("2d");
      g.drawImage(image, 0, 0);
      const data = g.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set();
      for (let i = 0; i < data.length; i += 4) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      return seen.size;
    })()`);
      expect(colours).toBeGreaterThan(50);
      await browser.close();
      // Chromium's own stores (History, Visited Links, caches, sessions) hold no key either.
      const stored = readdirSync(profile, { recursive: true, withFileTypes: true }).filter((e) =>
        e.isFile(),
      );
      expect(stored.some((e) => e.name === "History")).toBe(true);
      for (const entry of stored) {
        const bytes = readFileSync(path.join(entry.parentPath, entry.name));
        for (const key of keys) expect(bytes.includes(key)).toBe(false);
      }
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    }
  },
);

test("purge removes ended captures and keeps a running one; stop then ends it gracefully as cancelled", async () => {
  const { id, statusUrl } = await capture("ops-long", { captureTimeLimitSeconds: "600" });
  await waitForPhase(id, "capturing", 30_000);

  const ended = await ops("/captures?status=Completed,Failed,Terminated&since=1h&top=500");
  expect(ended.body.matched).toBeGreaterThan(0);
  const someEnded = ended.body.items?.[0]?.instanceId;
  const purged = await ops("/captures?olderThanDays=0", { method: "DELETE" });
  expect(purged).toMatchObject({ status: 200, body: { instancesDeleted: ended.body.matched } });
  const left = await ops("/captures?since=1h");
  expect(left.body.items?.map((i) => i.instanceId)).toEqual([id]);
  expect((await ops(`/captures/${someEnded}`)).status).toBe(404);

  const stop = await ops(`/captures/${id}/stop`, {
    method: "POST",
    body: JSON.stringify({ reason: "e2e: done looking" }),
  });
  expect(stop).toMatchObject({ status: 202, body: { event: "cancel", previousStatus: "Running" } });
  const end = await waitForEnd(statusUrl, 60_000);
  expect(end.runtimeStatus).toBe("Completed");
  expect((end.output as CaptureReport).outcome).toBe("cancelled");
  const shown = await ops(`/captures/${id}`);
  expect(shown.body).toMatchObject({
    outcome: "cancelled",
    history: { eventsReceived: ["cancel"] },
  });
  expect(await ops(`/captures/${id}/stop`, { method: "POST" })).toMatchObject({ status: 409 });
  expect(await ops(`/captures/${id}/rerun`, { method: "POST" })).toMatchObject({ status: 409 });
  expect(stack.arm.sessions()).toEqual([]);
});
