/**
 * Making alert-derived text inert in each channel. Rule names, VM names and failure messages come
 * from whoever can create an alert rule or a VM; posted verbatim they can page a whole channel
 * (`<!channel>`) or hide a phishing link behind a friendly label (`[Reset](https://…)`).
 */

/** At most `max` characters, the cut marked with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One line: newlines and other control characters would let a value fake extra facts or list items. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ");
}

/**
 * Slack mrkdwn: `&`, `<` and `>` are the only control characters (mentions and links are written
 * `<!channel>` and `<url|label>`); escaped, Slack shows them literally.
 */
export function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Adaptive Card Markdown (links, emphasis, lists): a backslash before ASCII punctuation shows it
 * literally (CommonMark), so no link, autolink, emphasis or code span can start inside the value,
 * nor a list or heading at its start. Only those characters are escaped: a renderer that ignores
 * escapes then shows a few stray backslashes, not a garbled value.
 */
export function teamsEscape(text: string): string {
  return text
    .replace(/[\\`*_[\]()<>~]/g, "\\$&")
    .replace(/^(\s*)([-+#])/, "$1\\$2")
    .replace(/^(\s*\d+)\./, "$1\\.");
}
