/**
 * Reads an untrusted JSON body with the limits Azure Monitor itself keeps to: a payload over
 * 256 KB cannot be a real alert, and nothing a real alert contains nests 32 levels deep or
 * carries prototype-shaped keys. Every refusal is a 4xx with a reason, never an exception.
 * The body is read as a stream with a byte counter and abandoned at the limit, so a huge
 * chunked POST costs at most the limit plus one chunk of memory, not the whole body.
 */
import type { HttpRequest } from "@azure/functions";

export const BODY_LIMITS = {
  maxBytes: 256 * 1024,
  maxDepth: 32,
  maxStringLength: 64 * 1024,
} as const;

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export type BodyResult =
  { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; message: string };

/** What is read of a request: HttpRequest, or anything shaped like the Fetch API's Request. */
export type BodySource = Pick<HttpRequest, "headers" | "body">;

export async function readJsonBody(request: BodySource, limits = BODY_LIMITS): Promise<BodyResult> {
  const contentType = request.headers.get("content-type");
  if (contentType && !/^application\/(?:[\w.+-]+\+)?json\b|^text\/plain\b/i.test(contentType)) {
    return {
      ok: false,
      status: 415,
      message: `content type ${contentType.slice(0, 80)} is not JSON`,
    };
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limits.maxBytes) return tooLarge(limits.maxBytes);
  const bytes = await readAtMost(request.body, limits.maxBytes);
  if (bytes === "tooLarge") return tooLarge(limits.maxBytes);
  if (bytes.byteLength === 0)
    return { ok: false, status: 400, message: "the body is empty; expected an alert JSON object" };
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    return {
      ok: false,
      status: 400,
      message: `malformed JSON: ${(error as Error).message.slice(0, 200)}`,
    };
  }
  const problem = shapeProblem(value, limits);
  return problem ? { ok: false, status: 400, message: problem } : { ok: true, value };
}

/** The body's bytes, or "tooLarge" as soon as more than `maxBytes` arrived (the rest is never read). */
async function readAtMost(
  body: ReadableStream<unknown> | null,
  maxBytes: number,
): Promise<Buffer | "tooLarge"> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, size);
    const chunk = typeof value === "string" ? Buffer.from(value) : Buffer.from(value as Uint8Array);
    size += chunk.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return "tooLarge";
    }
    chunks.push(chunk);
  }
}

function tooLarge(maxBytes: number): BodyResult {
  return {
    ok: false,
    status: 413,
    message: `the body is over ${maxBytes / 1024} KB, Azure Monitor's own payload limit`,
  };
}

/** Iterative walk, so a hostile nesting depth cannot overflow the stack before it is measured. */
export function shapeProblem(
  root: unknown,
  limits: Pick<typeof BODY_LIMITS, "maxDepth" | "maxStringLength"> = BODY_LIMITS,
): string | undefined {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 1 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (typeof value === "string") {
      if (value.length > limits.maxStringLength)
        return `a string value is longer than ${limits.maxStringLength} characters`;
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    if (depth > limits.maxDepth) return `JSON nesting is deeper than ${limits.maxDepth} levels`;
    const entries = Array.isArray(value)
      ? value.map((v) => ["", v] as const)
      : Object.entries(value);
    for (const [key, child] of entries) {
      if (FORBIDDEN_KEYS.has(key)) return `the key "${key}" is not allowed`;
      if (key.length > limits.maxStringLength)
        return `a key is longer than ${limits.maxStringLength} characters`;
      stack.push({ value: child, depth: depth + 1 });
    }
  }
  return undefined;
}
