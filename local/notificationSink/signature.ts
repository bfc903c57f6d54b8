// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * `X-Capture-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` — the timestamp is
 * signed with the body so a captured request cannot be replayed later than the tolerance allows.
 * Several `v1` entries are accepted (a sender rotating secrets signs with both).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-capture-signature";
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signatureHeader(
  secret: string,
  rawBody: string | Buffer,
  timestampSeconds = Math.floor(Date.now() / 1000),
): string {
  return `t=${timestampSeconds},v1=${hmac(secret, timestampSeconds, rawBody)}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function verifySignature(
  header: string | undefined,
  rawBody: Buffer,
  secret: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): SignatureCheck {
  if (!header) return { ok: false, reason: "missing signature header" };
  const parts = header.split(",").map((p) => p.trim().split("="));
  const timestamps = parts.filter(([k]) => k === "t").map(([, v]) => v ?? "");
  const signatures = parts.filter(([k]) => k === "v1").map(([, v]) => v ?? "");
  const t =
    timestamps.length === 1 && /^\d{1,12}$/.test(timestamps[0] as string)
      ? Number(timestamps[0])
      : NaN;
  if (Number.isNaN(t) || signatures.length === 0)
    return { ok: false, reason: "malformed signature header" };
  if (Math.abs(nowSeconds - t) > toleranceSeconds)
    return { ok: false, reason: "timestamp outside tolerance" };
  const expected = Buffer.from(hmac(secret, t, rawBody), "hex");
  const matches = signatures.some((sig) => {
    const given = /^[0-9a-f]{64}$/i.test(sig) ? Buffer.from(sig, "hex") : undefined;
    return given !== undefined && timingSafeEqual(given, expected);
  });
  return matches ? { ok: true } : { ok: false, reason: "signature mismatch" };
}

function hmac(secret: string, timestampSeconds: number, rawBody: string | Buffer): string {
  return createHmac("sha256", secret).update(`${timestampSeconds}.`).update(rawBody).digest("hex");
}
