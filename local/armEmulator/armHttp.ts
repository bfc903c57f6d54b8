// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/** The HTTP vocabulary shared by the emulator's handlers: ARM error bodies and plain response values. */
import type { IncomingMessage, ServerResponse } from "node:http";

export interface ArmResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Thrown by handlers; rendered as ARM's `{"error":{"code","message"}}`. */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ArmError";
  }

  toResponse(): ArmResponse {
    return {
      status: this.status,
      headers: this.headers,
      body: { error: { code: this.code, message: this.message } },
    };
  }
}

export const notFound = (what: string): ArmError =>
  new ArmError(404, "ResourceNotFound", `The Resource '${what}' was not found.`);

export const invalidParameter = (message: string): ArmError =>
  new ArmError(400, "InvalidParameter", message);

/** Bodies above this are not something an ARM client would send to these endpoints. */
const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES)
      throw new ArmError(413, "RequestEntityTooLarge", "The request body is too large.");
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new ArmError(
      400,
      "InvalidRequestContent",
      "The request content was invalid and could not be deserialized.",
    );
  }
}

/** Writes the response; returns the headers sent (the handler's plus content-type). */
export function writeResponse(res: ServerResponse, response: ArmResponse): Record<string, string> {
  const headers: Record<string, string> = { ...response.headers };
  let payload: string | undefined;
  if (response.body !== undefined) {
    payload = JSON.stringify(response.body);
    headers["content-type"] = "application/json; charset=utf-8";
  }
  res.writeHead(response.status, headers);
  res.end(payload);
  return headers;
}
