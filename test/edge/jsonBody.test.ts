import { HttpRequest } from "@azure/functions";
import { BODY_LIMITS, readJsonBody } from "../../lib/edge/jsonBody";

function post(
  body: string,
  headers: Record<string, string> = { "content-type": "application/json" },
): HttpRequest {
  return new HttpRequest({
    method: "POST",
    url: "http://localhost/api/alerts",
    headers,
    body: { string: body },
  });
}

describe("reading untrusted JSON bodies", () => {
  test("a normal alert body parses", async () => {
    expect(await readJsonBody(post('{"schemaId":"x","data":{}}'))).toEqual({
      ok: true,
      value: { schemaId: "x", data: {} },
    });
  });

  test.each([
    ["empty", "", 400],
    ["malformed", "{nope", 400],
    ["over 256 KB", JSON.stringify({ pad: "x".repeat(256 * 1024) }), 413],
    ["too deep", "[".repeat(40) + "]".repeat(40), 400],
    ["__proto__ key", '{"__proto__":{"polluted":true}}', 400],
    ["constructor key", '{"a":{"constructor":{"prototype":{}}}}', 400],
    ["absurd string", JSON.stringify({ a: "y".repeat(70 * 1024) }), 400],
  ])("%s → %i", async (_name, body, status) => {
    const result = await readJsonBody(post(body));
    expect(result).toMatchObject({ ok: false, status });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("a declared Content-Length over the limit is refused before reading", async () => {
    expect(
      await readJsonBody(
        post("{}", {
          "content-type": "application/json",
          "content-length": String(10 * 1024 * 1024),
        }),
      ),
    ).toMatchObject({ ok: false, status: 413 });
  });

  test("a non-JSON content type is 415; none at all is tolerated", async () => {
    expect(
      await readJsonBody(post("{}", { "content-type": "application/x-www-form-urlencoded" })),
    ).toMatchObject({ ok: false, status: 415 });
    expect(await readJsonBody(post("{}", {}))).toMatchObject({ ok: true });
  });

  test("a hostile nesting depth is measured without recursion", async () => {
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    const result = await readJsonBody(post(deep), {
      maxBytes: 1_000_000,
      maxDepth: 32,
      maxStringLength: 100,
    });
    expect(result).toMatchObject({ ok: false, status: 400 });
  });
});

describe("an endless chunked body", () => {
  const CHUNK = 64 * 1024;
  const TOTAL_CHUNKS = 960; // 60 MB, produced only as the reader pulls

  function chunkedPost(): { request: Request; pulledBytes: () => number } {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (pulled >= TOTAL_CHUNKS) return controller.close();
          pulled++;
          controller.enqueue(new Uint8Array(CHUNK).fill(0x20));
        },
      },
      { highWaterMark: 0 },
    );
    // No Content-Length: the size is known only by reading, as with Transfer-Encoding: chunked.
    const request = new Request("http://localhost/api/alerts", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      duplex: "half",
    });
    return { request, pulledBytes: () => pulled * CHUNK };
  }

  test("is refused with 413 after reading at most the limit plus one chunk", async () => {
    const { request, pulledBytes } = chunkedPost();
    expect(await readJsonBody(request)).toMatchObject({ ok: false, status: 413 });
    expect(pulledBytes()).toBeLessThanOrEqual(BODY_LIMITS.maxBytes + CHUNK);
  });
});
