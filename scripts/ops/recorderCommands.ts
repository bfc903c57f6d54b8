/**
 * The ops CLI's flight-recorder commands: `arm <vm-id> [--hours H] [--files N --file-bytes B]`,
 * `disarm <vm-id>`, and the armed-recorder table `list` and `show` print.
 */
import { errorText, request, UsageError, type Connection } from "./connection";
import { shortTime, table } from "./render";

export interface RecorderArgs {
  hours?: string;
  files?: string;
  "file-bytes"?: string;
}

/** The arm request body; numbers checked here so a typo is a usage error, ranges by the API. */
export function armBody(vmId: string, args: RecorderArgs): Record<string, unknown> {
  const whole = (flag: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value))
      throw new UsageError(`--${flag} must be a whole number, got '${value}'`);
    return Number(value);
  };
  let hours: number | undefined;
  if (args.hours !== undefined) {
    hours = Number(args.hours);
    if (!/^\d+(\.\d+)?$/.test(args.hours) || hours <= 0)
      throw new UsageError(`--hours must be a positive number, got '${args.hours}'`);
  }
  return {
    target: vmId,
    ...(hours !== undefined && { hours }),
    ...(args.files !== undefined && { files: whole("files", args.files) }),
    ...(args["file-bytes"] !== undefined && { fileBytes: whole("file-bytes", args["file-bytes"]) }),
  };
}

export interface RecorderRowView {
  instanceId: string;
  runtimeStatus: string;
  target?: string;
  phase?: string;
  armedAt?: string;
  expectedEnd?: string;
  ring?: { fileCount: number; fileSizeInBytes: number; sessionTimeLimitInSeconds: number };
  holding?: { files: number; bytes: number; oldest?: string; lookbackSeconds?: number };
  outcome?: string;
  highlights?: string[];
  files?: string[];
  statusQueryGetUri?: string;
}

function vmName(id: string | undefined): string {
  return id?.split("/").pop() ?? "?";
}

function mib(bytes: number | undefined): string {
  return bytes === undefined ? "" : `${(bytes / 1048576).toFixed(1)} MiB`;
}

/** One line per armed recorder: what window a freeze could hand over right now. */
export function recorderTable(items: RecorderRowView[]): string {
  return table(
    ["VM", "PHASE", "ARMED (UTC)", "ENDS (UTC)", "HOLDS", "STORED", "RING", "INSTANCE"],
    items.map((r) => [
      vmName(r.target),
      r.phase ?? r.runtimeStatus,
      shortTime(r.armedAt),
      shortTime(r.expectedEnd),
      r.holding?.lookbackSeconds !== undefined ? `last ${r.holding.lookbackSeconds} s` : "—",
      r.holding ? `${mib(r.holding.bytes)} in ${r.holding.files} file(s)` : "—",
      r.ring ? `${r.ring.fileCount} × ${mib(r.ring.fileSizeInBytes)}` : "",
      r.instanceId,
    ]),
  );
}

export function recorderDetail(r: RecorderRowView): string {
  const facts: Array<[string, string | undefined]> = [
    ["Instance", r.instanceId],
    ["Status", [r.runtimeStatus, r.outcome].filter(Boolean).join(" · ")],
    ["Target", r.target],
    ["Phase", r.phase],
    ["Armed", shortTime(r.armedAt)],
    ["Session ends", shortTime(r.expectedEnd)],
    [
      "Ring",
      r.ring &&
        `${r.ring.fileCount} files × ${mib(r.ring.fileSizeInBytes)}, ${r.ring.sessionTimeLimitInSeconds} s`,
    ],
    [
      "Holds",
      r.holding &&
        `${r.holding.files} file(s), ${mib(r.holding.bytes)}, from ${shortTime(r.holding.oldest)}${r.holding.lookbackSeconds !== undefined ? ` (the last ${r.holding.lookbackSeconds} s)` : ""}`,
    ],
    ["Status URL", r.statusQueryGetUri],
  ];
  const out = facts
    .filter((f): f is [string, string] => Boolean(f[1]))
    .map(([k, v]) => `${k.padEnd(12)}  ${v}`);
  if (r.highlights?.length)
    out.push("", "Before/after the alert:", ...r.highlights.map((h) => `  ${h}`));
  if (r.files?.length) out.push("", "Kept files:", ...r.files.map((f) => `  ${f}`));
  return out.join("\n");
}

export async function armedRecorders(connection: Connection): Promise<RecorderRowView[]> {
  const response = await request(connection, "GET", "/recorders");
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${errorText(response)}`);
  return (response.body as { items: RecorderRowView[] }).items;
}

export async function showRecorder(connection: Connection, id: string): Promise<RecorderRowView> {
  const response = await request(connection, "GET", `/recorders/${encodeURIComponent(id)}`);
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${errorText(response)}`);
  return response.body as RecorderRowView;
}

/** POSTs arm or disarm; the API's answer, or its refusal as an error. */
export async function armOrDisarm(
  connection: Connection,
  command: "arm" | "disarm",
  body: Record<string, unknown>,
): Promise<{ id: string; message?: string; statusQueryGetUri?: string }> {
  const response = await request(connection, "POST", `/recorders/${command}`, { body });
  if (response.status !== 202) throw new Error(`HTTP ${response.status}: ${errorText(response)}`);
  return response.body as { id: string; message?: string; statusQueryGetUri?: string };
}
