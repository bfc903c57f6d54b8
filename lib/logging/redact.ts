/**
 * The one place that decides what a secret looks like in text bound for a log line, durable
 * history or a notification summary. Production code and the local runtime both call it, so a
 * new secret shape is taught here once and every writer stops leaking it.
 *
 * Masked: function/host keys (`code=`, `x-functions-key`), SAS signatures (`sig=`, also
 * URL-encoded inside another URL), `Authorization` header values and any `Bearer`/`SharedKey`
 * credential, and storage `AccountKey=` / `SharedAccessSignature=` in connection strings.
 * The names stay visible, so a reader still sees which credential was there.
 */
export const REDACTED = "REDACTED";

const QUERY_SECRET =
  /((?:[?&;]|%3[Ff]|%26)(?:code|sig|x-functions-key)(?:=|%3[Dd]))[^&#\s"'<>;]+/gi;
const HEADER_SECRET =
  /\b(authorization|x-functions-key)(["']?\s*[:=]\s*["']?)(?:(Bearer|Basic|SharedKey)\s+)?[^"'\s,;]+/gi;
const SCHEME_CREDENTIAL = /\b(Bearer|SharedKey)\s+(?!REDACTED\b)[A-Za-z0-9\-._~+/:]+=*/g;
const CONNECTION_STRING_SECRET = /\b(AccountKey|SharedAccessSignature)=[^;"'\s]+/gi;

export function redactSecrets(text: string): string {
  return text
    .replace(QUERY_SECRET, `$1${REDACTED}`)
    .replace(
      HEADER_SECRET,
      (_match, name: string, separator: string, scheme: string | undefined) =>
        `${name}${separator}${scheme ? `${scheme} ` : ""}${REDACTED}`,
    )
    .replace(SCHEME_CREDENTIAL, `$1 ${REDACTED}`)
    .replace(CONNECTION_STRING_SECRET, `$1=${REDACTED}`);
}
