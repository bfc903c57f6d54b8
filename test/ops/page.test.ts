import { escapeHtml, html, safeHref } from "../../lib/ops/html";
import { captureRow } from "../../lib/ops/captureView";
import { contentSecurityPolicy, renderOpsPage } from "../../lib/ops/page";
import { captureStatus } from "./support/statuses";

const BASE = { origin: "https://app.example.net", opsPath: "/api/ops/web" };
const NOW = new Date("2026-03-10T12:00:30.000Z");
const HOSTILE = `<script>window.__pwned=1</script><img src=x onerror="alert(1)">'"\`&`;

function page(statuses: ReturnType<typeof captureStatus>[], filter = {}): string {
  const items = statuses.map((s) => captureRow(s, BASE, NOW));
  return renderOpsPage({
    list: { items, matched: items.length, window: { since: "2026-03-03T12:00:00.000Z" } },
    opsPath: "/api/ops/web",
    signedInAs: "ops@contoso.example",
    filter,
    generatedAt: NOW,
    nonce: "n0nce",
  });
}

/** Everything between the two constant raw-text elements' closing tags and the body is ours; count tags that could run code. */
function scriptTags(doc: string): number {
  return (doc.match(/<script\b/gi) ?? []).length;
}

describe("escaping", () => {
  test("text and attribute metacharacters", () => {
    expect(escapeHtml(HOSTILE)).toBe(
      "&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&quot;&#96;&amp;",
    );
  });

  test("interpolations are escaped unless they are markup built the same way", () => {
    const inner = html`<b>${HOSTILE}</b>`;
    expect(
      html`<p title="${HOSTILE}">${inner}${[HOSTILE, inner]}${undefined}${null}${false}${0}</p>`
        .text,
    ).toBe(
      `<p title="${escapeHtml(HOSTILE)}"><b>${escapeHtml(HOSTILE)}</b>${escapeHtml(HOSTILE)}<b>${escapeHtml(HOSTILE)}</b>0</p>`,
    );
  });

  test("only http(s) URLs and our own paths become links", () => {
    expect(safeHref("https://x.example/a")).toBe("https://x.example/a");
    expect(safeHref("/api/ops/captures/a/files/capture")).toBe("/api/ops/captures/a/files/capture");
    for (const bad of [
      "javascript:alert(1)",
      "JAVASCRIPT:x",
      "data:text/html,x",
      "//evil.example/x",
      "vbscript:x",
      undefined,
    ])
      expect(safeHref(bad)).toBeUndefined();
  });
});

describe("ops page", () => {
  test("one row per capture, a re-run button only on failed and terminated ones, download links only where files exist", () => {
    const doc = page([
      captureStatus("cap-failed", "Failed"),
      captureStatus("cap-done", "Completed"),
      captureStatus("cap-running", "Running"),
      captureStatus("cap-term", "Terminated"),
    ]);
    const rows = doc.match(/<tr data-instance-id="[^"]+" data-status="[^"]+">/g) ?? [];
    expect(rows).toHaveLength(4);
    const buttons = [
      ...doc.matchAll(/<button type="button" class="rerun" data-instance-id="([^"]+)">/g),
    ].map((m) => m[1]);
    expect(buttons).toEqual(["cap-failed", "cap-term"]);
    expect(doc).toContain('<a href="/api/ops/web/captures/cap-done/files/capture">.cap</a>');
    expect(doc).toContain('<a href="/api/ops/web/captures/cap-done/files/summary">summary</a>');
    expect(doc).toContain('<a href="/api/ops/web/captures/cap-running" class="sub">details</a>');
    expect(doc).not.toContain("/runtime/webhooks/durabletask");
    expect(doc.match(/files\/capture/g)).toHaveLength(1);
    expect(doc).toContain('<progress max="100" value="50"');
    expect(doc).toContain('<body data-ops-path="/api/ops/web">');
    expect(doc).toContain("signed in as ops@contoso.example");
  });

  test("alert text cannot become markup: rule name, severity and failure reason from a hostile payload", () => {
    const hostile = captureStatus("cap-x", "Failed", {
      alert: { schema: "common", ruleName: HOSTILE, severity: HOSTILE },
    });
    hostile.customStatus = { phase: "failed", lastStatus: HOSTILE };
    const doc = page([hostile], { target: HOSTILE, since: '"><script>alert(2)</script>' });
    expect(scriptTags(doc)).toBe(1);
    expect(doc).not.toContain("<img");
    expect(doc).not.toMatch(/"><script/);
    expect(doc.split(escapeHtml(HOSTILE)).length - 1).toBeGreaterThanOrEqual(3);
    expect(doc).toContain(`value="${escapeHtml(HOSTILE)}"`);
  });

  test("every script and style carries the nonce the policy allows, and the policy allows nothing else", () => {
    const doc = page([captureStatus("cap-failed", "Failed")]);
    expect(doc).toContain('<script nonce="n0nce">');
    expect(doc).toContain('<style nonce="n0nce">');
    expect(doc).not.toMatch(/\son[a-z]+=/i);
    expect(doc).not.toMatch(/\sstyle=/i);
    expect(doc).not.toMatch(/(src|href)="(https?:)?\/\/(?!app\.example\.net)/);
    const csp = contentSecurityPolicy("n0nce");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'nonce-n0nce'");
    expect(csp).not.toContain("unsafe-inline");
  });

  test("an empty window says so; more rows come with a next-page link that keeps the filter", () => {
    expect(page([])).toContain("No captures match.");
    const items = [captureRow(captureStatus("cap-a", "Failed"), BASE, NOW)];
    const doc = renderOpsPage({
      list: {
        items,
        matched: 5,
        continuationToken: "tok_1",
        window: { since: "2026-03-03T12:00:00.000Z" },
      },
      opsPath: "/api/ops/web",
      signedInAs: "ops@contoso.example",
      filter: { status: "Failed", since: "2d" },
      generatedAt: NOW,
      nonce: "n",
    });
    expect(doc).toContain(
      '<a href="?status=Failed&amp;since=2d&amp;continuationToken=tok_1">Older captures',
    );
    expect(doc).toContain("1 shown of 5");
    expect(doc).toContain('<option value="Failed" selected>Failed</option>');
  });

  test("no key anywhere: no code parameter, no key-reading script, re-runs send the page header", () => {
    const doc = page([
      captureStatus("cap-failed", "Failed"),
      captureStatus("cap-done", "Completed"),
    ]);
    expect(doc).not.toMatch(/code=|[?&]code\b|"code"|x-functions-key|data-keyed/i);
    expect(doc).not.toContain("location.search");
    expect(doc).toContain('"x-ops-page": "1"');
    for (const [, href] of doc.matchAll(/href="([^"]*)"/g))
      expect(href).toMatch(/^(\/api\/ops\/web\/|\?)/);
  });
});
