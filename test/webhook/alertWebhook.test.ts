/**
 * The HTTP edge of the alert webhook: what a misconfigured app answers. Azure Monitor retries
 * only 408/429/503/504, so "we cannot decide now" must be a 503 with Retry-After, never a 500
 * (dropped) nor a 4xx (dropped), and the log names the setting to fix.
 */
import { HttpRequest, InvocationContext } from "@azure/functions";
import { alertWebhook, secureAlertWebhook } from "../../functions/alertWebhook";
import { firedCommonAlert } from "../support/fixtures";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

function post(body: unknown): HttpRequest {
  return new HttpRequest({
    method: "POST",
    url: "https://app.example.net/api/alerts?code=KEY",
    headers: { "content-type": "application/json" },
    body: { string: JSON.stringify(body) },
  });
}

function context(): { context: InvocationContext; errors: string[]; lines: string[] } {
  const errors: string[] = [];
  const lines: string[] = [];
  const context = new InvocationContext({
    functionName: "alertWebhook",
    logHandler: (level, ...args) => {
      const line = args.map(String).join(" ");
      lines.push(line);
      if (level === "error") errors.push(line);
    },
  });
  return { context, errors, lines };
}

test.each([
  [
    "an invalid capture setting",
    { CAPTURE_TIME_LIMIT_SECONDS: "forever" },
    "CAPTURE_TIME_LIMIT_SECONDS",
  ],
  ["Entra mode without a tenant", { WEBHOOK_AUTH_MODE: "both" }, "ENTRA_TENANT_ID"],
])("%s: 503 + Retry-After and an error log naming the setting", async (_what, env, setting) => {
  Object.assign(process.env, env);
  const { context: ctx, errors } = context();
  const response = await alertWebhook(post(firedCommonAlert()), ctx);
  expect(response.status).toBe(503);
  expect(response.headers).toMatchObject({ "Retry-After": expect.stringMatching(/^\d+$/) });
  expect(errors.join("\n")).toContain(setting);
});

test("the secure webhook answers a misconfiguration the same way", async () => {
  Object.assign(process.env, { WEBHOOK_AUTH_MODE: "entra", ENTRA_TENANT_ID: "t" });
  const { context: ctx, errors } = context();
  const response = await secureAlertWebhook(post(firedCommonAlert()), ctx);
  expect(response.status).toBe(503);
  expect(errors.join("\n")).toContain("ENTRA_AUDIENCES");
});

test("a newline in an alert field cannot forge a log line", async () => {
  const { context: ctx, lines } = context();
  const forged = "x\r\n2026-01-01T00:00:00Z alert webhook: 202 started capture-forged";
  const response = await alertWebhook(post({ schemaId: forged }), ctx);
  expect(response.status).toBe(400);
  expect(lines).toHaveLength(1);
  expect(lines[0]).not.toMatch(/[\r\n]/);
  expect(lines[0]).toContain("\\r\\n2026-01-01T00:00:00Z");
});
