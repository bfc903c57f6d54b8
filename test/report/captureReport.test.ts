/**
 * The capture report page (issue 14.9): rendered from the summary JSON, problems with their
 * Wireshark filters, hostile names kept as text, served through the ops answer with clear errors,
 * and looked at in headless Chromium.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CaptureSummary } from "../../lib/pcap";
import type { CaptureStore } from "../../lib/ops/captureStore";
import { renderCaptureReport } from "../../lib/report/captureReportPage";
import { captureReportAnswer } from "../../lib/report/reportAnswer";
import { conversationFilter } from "../../lib/report/wiresharkFilters";
import { captureStatus } from "../ops/support/statuses";
import { demoSummary, emptySummary, FIRED_AT } from "./support";

const CHROMIUM = "/usr/bin/chromium";
let demo: CaptureSummary;
let empty: CaptureSummary;
beforeAll(async () => {
  demo = await demoSummary();
  empty = await emptySummary();
});

const context = {
  instanceId: "capture-web01-abc",
  vm: "web01",
  rule: "tcp-rst-high",
  firedAt: FIRED_AT,
};

describe("report page", () => {
  test("problems come with the Wireshark filter that shows them", () => {
    const page = renderCaptureReport(demo, context);
    expect(demo.tcpHealth.rstPackets).toBeGreaterThan(0);
    expect(page).toContain(
      "tcp.flags.reset==1 &amp;&amp; ip.addr==10.0.0.1 &amp;&amp; ip.addr==10.0.0.2 &amp;&amp; tcp.port==40002 &amp;&amp; tcp.port==81",
    );
    expect(page).toContain(
      "tcp.flags.syn==1 &amp;&amp; tcp.flags.ack==0 &amp;&amp; ip.addr==10.0.0.1",
    );
    expect(page).toContain("tcp.analysis.retransmission &amp;&amp; ip.addr==");
    expect(page).toContain("tcp.analysis.out_of_order");
    const v6 = demo.topConversations.find((c) => c.addressA.includes(":") && c.protocol === "tcp")!;
    expect(conversationFilter(v6)).toBe(
      "ipv6.addr==2001:db8::1 && ipv6.addr==2001:db8::2 && tcp.port==50000 && tcp.port==22",
    );
  });

  test("names from the alert and the capture stay text", () => {
    const page = renderCaptureReport(
      { ...demo, warnings: ['<img src=x onerror="alert(1)">'] },
      { ...context, vm: "<script>alert(1)</script>", rule: '"><svg onload=alert(1)>' },
    );
    expect(page).not.toMatch(/<script|<img|<svg onload/);
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });
});

describe("report answer", () => {
  const ctx = (status: unknown) => ({
    store: { get: () => Promise.resolve(status) } as unknown as CaptureStore,
    links: { origin: "https://app.example.net", opsPath: "/api/ops" },
    now: new Date("2026-03-10T12:10:00Z"),
  });
  const completed = captureStatus("capture-web01-abc", "Completed");
  const read = (json: string) => () => Promise.resolve(json);

  test("a completed capture's summary becomes the page", async () => {
    const answer = await captureReportAnswer(
      ctx(completed),
      "capture-web01-abc",
      read(JSON.stringify(demo)),
    );
    expect(answer.status).toBe(200);
    expect(answer.html).toContain("<h1>Capture report: ");
    expect(answer.html).toContain('<polyline class="packets"');
  });

  test.each([
    ["a bad id", "bad id!", completed, "{}", 400, "instance"],
    ["an unknown instance", "capture-nope", undefined, "{}", 404, "no capture instance"],
    [
      "no summary yet",
      "capture-web01-abc",
      captureStatus("capture-web01-abc", "Running"),
      "{}",
      404,
      "has no summary",
    ],
    ["a summary that is not JSON", "capture-web01-abc", completed, "{", 502, "not JSON"],
    [
      "a tampered summary",
      "capture-web01-abc",
      completed,
      '{"packets":"many"}',
      502,
      "not a capture summary",
    ],
  ])("%s: %s", async (_name, id, status, json, code, message) => {
    const answer = await captureReportAnswer(ctx(status), id, read(json));
    expect(answer.status).toBe(code);
    expect(answer.html).toContain(message);
  });
});

const hasChromium = existsSync(CHROMIUM);
(hasChromium ? describe : describe.skip)("report in headless Chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "report-shot-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("the demo-like and the empty capture both render, and look like something", async () => {
    const { chromium } = await import("playwright-core");
    const profile = join(dir, "profile");
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
      viewport: { width: 1100, height: 900 },
    });
    try {
      for (const [name, summary] of [
        ["demo", demo],
        ["empty", empty],
      ] as const) {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(e.message));
        await page.setContent(renderCaptureReport(summary, context));
        const png = await page.screenshot({ fullPage: true });
        const target = process.env.REPORT_SCREENSHOT_DIR ?? dir;
        writeFileSync(join(target, `report-${name}.png`), png);
        expect(errors).toEqual([]);
        expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
        const svg = await page.locator("svg.timeline").count();
        const box = svg ? await page.locator("svg.timeline").boundingBox() : null;
        if (name === "demo") {
          expect(box?.width).toBeGreaterThan(800);
          expect(await page.locator("svg.timeline polyline").count()).toBe(2);
          expect(await page.locator("code").count()).toBeGreaterThan(3);
        } else {
          expect(svg).toBe(0);
          expect(await page.locator(".empty").first().textContent()).toContain("No timestamped");
        }
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }, 60_000);
});
