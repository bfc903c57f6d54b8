/** Text output of the ops CLI: aligned tables and the capture detail view. */

export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Columns padded to their widest cell; the last column is left ragged. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

export function shortTime(iso: string | undefined): string {
  return iso ? iso.replace("T", " ").replace(/(:\d{2})(\.\d+)?Z$/, "$1Z") : "";
}

export interface CaptureRowView {
  instanceId: string;
  runtimeStatus: string;
  createdTime: string;
  target?: { name: string; resourceGroup?: string };
  outcome?: string;
  phase?: string;
  progress?: { percent?: number; polls?: number };
  failure?: string;
  links?: Record<string, string | undefined>;
}

export function captureTable(items: CaptureRowView[]): string {
  const rows = items.map((c) => {
    const state =
      c.outcome ??
      [c.phase, c.progress?.percent !== undefined ? `${c.progress.percent}%` : undefined]
        .filter(Boolean)
        .join(" ");
    const target = c.target
      ? `${c.target.name}${c.target.resourceGroup ? ` (${c.target.resourceGroup})` : ""}`
      : "?";
    return [
      shortTime(c.createdTime),
      c.runtimeStatus,
      state,
      target,
      c.instanceId,
      clip(c.failure ?? "", 80),
    ];
  });
  return table(["CREATED (UTC)", "STATUS", "OUTCOME", "TARGET", "INSTANCE", "REASON"], rows);
}

interface Timeline {
  timeline: Array<{ at: string; text: string }>;
  activities: Array<{ name: string; completed: number; failed: number; seconds: number }>;
  omitted?: number;
}

export function captureDetail(
  c: CaptureRowView & { lastUpdatedTime?: string; history?: Timeline | null },
): string {
  const facts: Array<[string, string | undefined]> = [
    ["Instance", c.instanceId],
    ["Status", [c.runtimeStatus, c.outcome].filter(Boolean).join(" · ")],
    [
      "Target",
      c.target
        ? `${c.target.name}${c.target.resourceGroup ? ` (${c.target.resourceGroup})` : ""}`
        : undefined,
    ],
    ["Phase", c.phase],
    ["Created", shortTime(c.createdTime)],
    ["Updated", shortTime(c.lastUpdatedTime)],
    ["Failure", c.failure],
    ...Object.entries(c.links ?? {}).map(([k, v]): [string, string | undefined] => [
      `Link ${k}`,
      v,
    ]),
  ];
  const shown = facts.filter((f): f is [string, string] => Boolean(f[1]));
  const labelWidth = Math.max(...shown.map(([label]) => label.length));
  const out = shown.map(([label, value]) => `${label.padEnd(labelWidth)}  ${value}`);
  if (c.history) {
    out.push("", "History:");
    out.push(
      ...c.history.timeline.map((t) => `  ${shortTime(t.at).slice(11) || "        "}  ${t.text}`),
    );
    if (c.history.omitted) out.push(`  (${c.history.omitted} events in the middle left out)`);
    out.push(
      "",
      table(
        ["ACTIVITY", "OK", "THREW", "SECONDS"],
        c.history.activities.map((a) => [
          a.name,
          String(a.completed),
          String(a.failed),
          a.seconds.toFixed(1),
        ]),
      ),
    );
  }
  return out.join("\n");
}
