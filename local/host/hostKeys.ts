// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Function-key authorization as the Functions host applies it: a key comes from the
 * `x-functions-key` header or the `code` query parameter; `function` level accepts a function
 * (host) key or the master key, `admin` only the master key; extension webhooks accept their
 * system key or the master key. Anything else is a 401.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { AuthLevel } from "./httpRoutes";

export interface HostKeys {
  /** The `_master` host key. */
  master: string;
  /** The `default` host key, valid for every function. */
  function: string;
  /** The `durabletask_extension` system key. */
  system: string;
}

export function generateKey(): string {
  return randomBytes(32).toString("base64url");
}

export function presentedKey(
  headers: Record<string, string | string[] | undefined>,
  query: URLSearchParams,
): string | undefined {
  const header = headers["x-functions-key"];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  return fromHeader || query.get("code") || undefined;
}

function same(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function authorizes(
  level: AuthLevel,
  presented: string | undefined,
  keys: HostKeys,
): boolean {
  switch (level) {
    case "anonymous":
      return true;
    case "function":
      return same(presented, keys.function) || same(presented, keys.master);
    case "admin":
      return same(presented, keys.master);
  }
}

export function authorizesSystem(presented: string | undefined, keys: HostKeys): boolean {
  return same(presented, keys.system) || same(presented, keys.master);
}
