import { redactSecrets } from "../../lib/logging/redact";

const KEY = "k3y_VALUE-abc123";

test.each([
  [
    "function key in a query",
    `POST /api/alerts?code=${KEY} -> 202`,
    "POST /api/alerts?code=REDACTED -> 202",
  ],
  [
    "key after another parameter",
    `/instances/x?showHistory=true&code=${KEY}&top=5`,
    "/instances/x?showHistory=true&code=REDACTED&top=5",
  ],
  [
    "SAS signature with padding",
    `https://a.blob/c/x.cap?sv=2024&sig=ab%2Bcd%3D&se=1`,
    "https://a.blob/c/x.cap?sv=2024&sig=REDACTED&se=1",
  ],
  [
    "SAS inside a URL-encoded URL",
    `?next=https%3A%2F%2Fa%2Fb%3Fsv%3D1%26sig%3D${KEY}`,
    "?next=https%3A%2F%2Fa%2Fb%3Fsv%3D1%26sig%3DREDACTED",
  ],
  ["header, as JSON", `{"Authorization":"Bearer ${KEY}"}`, '{"Authorization":"Bearer REDACTED"}'],
  [
    "header, as HTTP",
    `authorization: SharedKey devstoreaccount1:${KEY}`,
    "authorization: SharedKey REDACTED",
  ],
  ["x-functions-key header", `x-functions-key: ${KEY}`, "x-functions-key: REDACTED"],
  [
    "bare bearer credential",
    `token was Bearer eyJhbGciOi.J9x.y_z rejected`,
    "token was Bearer REDACTED rejected",
  ],
  [
    "connection string",
    `DefaultEndpointsProtocol=http;AccountName=a;AccountKey=${KEY}==;BlobEndpoint=x`,
    "DefaultEndpointsProtocol=http;AccountName=a;AccountKey=REDACTED;BlobEndpoint=x",
  ],
])("%s", (_name, line, expected) => {
  expect(redactSecrets(line)).toBe(expected);
});

test("text without secrets is unchanged, including words that merely name a credential", () => {
  const line =
    "authorization failed for vm web01; code path 3; signature verified; bearer token missing";
  expect(redactSecrets(line)).toBe(line);
});

test("redacting twice changes nothing", () => {
  const line = `GET /x?code=${KEY}&sig=${KEY} Authorization: Bearer ${KEY} AccountKey=${KEY}`;
  expect(redactSecrets(redactSecrets(line))).toBe(redactSecrets(line));
  expect(redactSecrets(line)).not.toContain(KEY);
});
