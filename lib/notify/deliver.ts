/**
 * POSTs JSON to a channel. 408/429/5xx and network errors throw, so the durable retry tries
 * again (the idempotency key keeps a retried webhook from paging twice); other 4xx mean the
 * channel refuses this message and retrying will not help.
 */
const TIMEOUT_MS = 10_000;

class ChannelUnavailable extends Error {
  constructor(channel: string, detail: string) {
    super(`${channel} unavailable: ${detail}`);
    this.name = "ChannelUnavailable";
  }
}

export type DeliveryResult = { delivered: true } | { delivered: false; reason: string };

export async function postJson(
  channel: string,
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<DeliveryResult> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", ...headers },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new ChannelUnavailable(channel, error instanceof Error ? error.message : String(error));
  }
  await response.arrayBuffer().catch(() => undefined);
  if (response.ok) return { delivered: true };
  if (response.status === 408 || response.status === 429 || response.status >= 500)
    throw new ChannelUnavailable(channel, `HTTP ${response.status}`);
  return { delivered: false, reason: `${channel} refused the message: HTTP ${response.status}` };
}
