/**
 * `npm run ops -- <command>`: the ops API from a terminal, against the deployed app or the local
 * stack. Exit codes: 0 done, 1 the app refused or failed (or a re-run did not start), 2 usage.
 */
import { parseArgs } from "node:util";
import {
  errorText,
  request,
  resolveConnection,
  UsageError,
  type ApiResponse,
  type Connection,
} from "./connection";
import { ProgressBar } from "./progress";
import { captureDetail, captureTable, table, type CaptureRowView } from "./render";
import {
  armBody,
  armedRecorders,
  armOrDisarm,
  recorderDetail,
  recorderTable,
  showRecorder,
} from "./recorderCommands";

const USAGE = `Usage: npm run ops -- <command> [options]

  list   [--status Failed,Completed] [--target NAME|ARM-ID] [--since 1h] [--until ISO] [--top 50] [--all]
  show   <instanceId>
  stop   <instanceId> [--reason TEXT]          graceful: the capture stops, keeps its partial file, notifies
  rerun  <instanceId>...                       start failed/terminated captures again with their input
  rerun  --failed [--terminated] --since 1h [--until ISO] [--target NAME|ARM-ID]
  purge  --older-than-days N                   delete history of ended captures (running ones are kept)
  arm    <vm-id> [--hours H] [--files N --file-bytes B]   arm a flight recorder (continuous ring capture)
  disarm <vm-id>                               stop the VM's recorder; its ring files stay in storage
  (list also shows armed recorders and the window each holds; show takes recorder-… IDs too)

  --url URL --key KEY   the function app and its master key (else OPS_URL/OPS_KEY, else .local/endpoints.json)
  --json                print the API's JSON instead of tables
`;

const OPTIONS = {
  url: { type: "string" },
  key: { type: "string" },
  json: { type: "boolean" },
  status: { type: "string" },
  target: { type: "string" },
  since: { type: "string" },
  until: { type: "string" },
  top: { type: "string" },
  all: { type: "boolean" },
  reason: { type: "string" },
  failed: { type: "boolean" },
  terminated: { type: "boolean" },
  "older-than-days": { type: "string" },
  hours: { type: "string" },
  files: { type: "string" },
  "file-bytes": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

type Flags = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>["values"];

const COMMON = ["url", "key", "json", "help"];
const ALLOWED: Record<string, string[]> = {
  list: ["status", "target", "since", "until", "top", "all"],
  show: [],
  stop: ["reason"],
  rerun: ["failed", "terminated", "since", "until", "target"],
  purge: ["older-than-days"],
  arm: ["hours", "files", "file-bytes"],
  disarm: [],
};
/** Bounds `list --all` and bulk re-run listing: 100 pages of 500 is far beyond any real window. */
const MAX_PAGES = 100;
const RERUN_CONCURRENCY = 4;

function expectStatus(response: ApiResponse, ...ok: number[]): unknown {
  if (!ok.includes(response.status))
    throw new Error(`HTTP ${response.status}: ${errorText(response)}`);
  return response.body;
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

interface ListPage {
  items: CaptureRowView[];
  matched: number;
  continuationToken?: string;
}

async function listPages(
  connection: Connection,
  query: Record<string, string | undefined>,
  all: boolean,
): Promise<ListPage> {
  const items: CaptureRowView[] = [];
  let token: string | undefined;
  let page: ListPage | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    page = expectStatus(
      await request(connection, "GET", "/captures", {
        query: { ...query, continuationToken: token },
      }),
      200,
    ) as ListPage;
    items.push(...page.items);
    token = page.continuationToken;
    if (!all || !token) break;
  }
  return { items, matched: page?.matched ?? 0, ...(token && { continuationToken: token }) };
}

async function list(connection: Connection, flags: Flags): Promise<number> {
  const query = {
    status: flags.status,
    target: flags.target,
    since: flags.since,
    until: flags.until,
    top: flags.top,
  };
  const result = await listPages(connection, query, flags.all ?? false);
  if (flags.json) {
    printJson(result);
    return 0;
  }
  print(result.items.length ? captureTable(result.items) : "no captures match");
  if (result.continuationToken)
    process.stderr.write(`${result.items.length} of ${result.matched} shown; --all for the rest\n`);
  const recorders = await armedRecorders(connection);
  if (recorders.length) print(`\nArmed recorders:\n${recorderTable(recorders)}`);
  return 0;
}

async function show(connection: Connection, flags: Flags, id: string): Promise<number> {
  if (id.startsWith("recorder-")) {
    const recorder = await showRecorder(connection, id);
    print(flags.json ? JSON.stringify(recorder, null, 2) : recorderDetail(recorder));
    return 0;
  }
  const body = expectStatus(
    await request(connection, "GET", `/captures/${encodeURIComponent(id)}`),
    200,
  );
  if (flags.json) printJson(body);
  else print(captureDetail(body as Parameters<typeof captureDetail>[0]));
  return 0;
}

async function stop(connection: Connection, flags: Flags, id: string): Promise<number> {
  const body = expectStatus(
    await request(connection, "POST", `/captures/${encodeURIComponent(id)}/stop`, {
      body: flags.reason ? { reason: flags.reason } : {},
    }),
    202,
  );
  if (flags.json) printJson(body);
  else print(`${id}: ${(body as { message: string }).message}`);
  return 0;
}

interface RerunOutcome {
  instanceId: string;
  status: number;
  result: "started" | "refused" | "error";
  message?: string;
}

async function rerunOne(connection: Connection, id: string): Promise<RerunOutcome> {
  try {
    const response = await request(connection, "POST", `/captures/${encodeURIComponent(id)}/rerun`);
    if (response.status === 202) return { instanceId: id, status: 202, result: "started" };
    return {
      instanceId: id,
      status: response.status,
      result: response.status < 500 ? "refused" : "error",
      message: errorText(response),
    };
  } catch (error) {
    return {
      instanceId: id,
      status: 0,
      result: "error",
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

/** One request per instance, a few at a time: each stays short, and the bar shows real progress. */
async function rerunAll(
  connection: Connection,
  ids: string[],
  showProgress: boolean,
): Promise<RerunOutcome[]> {
  const bar = showProgress ? new ProgressBar(ids.length, "rerun") : undefined;
  const results: RerunOutcome[] = new Array<RerunOutcome>(ids.length);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const index = next++;
      const outcome = await rerunOne(connection, ids[index] as string);
      results[index] = outcome;
      bar?.tick(outcome.instanceId, outcome.result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(RERUN_CONCURRENCY, ids.length) }, worker));
  return results;
}

async function rerun(connection: Connection, flags: Flags, ids: string[]): Promise<number> {
  let targets = ids;
  const bulk = Boolean(flags.failed || flags.terminated);
  if (bulk) {
    if (ids.length)
      throw new UsageError("rerun takes instance IDs or --failed/--terminated, not both");
    if (!flags.since)
      throw new UsageError(
        "rerun --failed needs --since (e.g. --since 1h): re-running every failure ever is never meant",
      );
    const status = [flags.failed && "Failed", flags.terminated && "Terminated"]
      .filter(Boolean)
      .join(",");
    const found = await listPages(
      connection,
      { status, since: flags.since, until: flags.until, target: flags.target, top: "500" },
      true,
    );
    // Oldest first: the capture that has waited longest is re-run first.
    targets = found.items.map((c) => c.instanceId).reverse();
  } else if (ids.length === 0) {
    throw new UsageError("rerun needs instance IDs, or --failed --since <window>");
  } else if (flags.since || flags.until || flags.target) {
    throw new UsageError(
      "--since/--until/--target select captures for --failed/--terminated; with instance IDs they mean nothing",
    );
  }
  const results = await rerunAll(connection, targets, bulk || targets.length > 1);
  const started = results.filter((r) => r.result === "started").length;
  if (flags.json) printJson({ matched: targets.length, started, results });
  else if (results.length === 0) print("nothing to re-run");
  else {
    print(
      table(
        ["INSTANCE", "RESULT", "DETAIL"],
        results.map((r) => [r.instanceId, r.result, r.message ?? ""]),
      ),
    );
    print(`${started} of ${results.length} started`);
  }
  return started === results.length ? 0 : 1;
}

async function purge(connection: Connection, flags: Flags): Promise<number> {
  const days = flags["older-than-days"];
  if (days === undefined) throw new UsageError("purge needs --older-than-days N");
  const body = expectStatus(
    await request(connection, "DELETE", "/captures", { query: { olderThanDays: days } }),
    200,
  ) as { instancesDeleted: number; createdBefore: string };
  if (flags.json) printJson(body);
  else
    print(
      `purged ${body.instancesDeleted} ended capture instance(s) created before ${body.createdBefore}`,
    );
  return 0;
}

function checkFlags(command: string, flags: Flags): void {
  const allowed = ALLOWED[command];
  if (!allowed) throw new UsageError(`unknown command '${command}'`);
  const extra = Object.keys(flags).filter((f) => !COMMON.includes(f) && !allowed.includes(f));
  if (extra.length)
    throw new UsageError(`${command} does not take ${extra.map((f) => `--${f}`).join(", ")}`);
}

function oneId(command: string, ids: string[]): string {
  if (ids.length !== 1) throw new UsageError(`${command} takes exactly one instance ID`);
  return ids[0] as string;
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values: flags, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (flags.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!command) {
    process.stderr.write(USAGE);
    return 2;
  }
  checkFlags(command, flags);
  const connection = resolveConnection(flags);
  switch (command) {
    case "list":
      if (rest.length) throw new UsageError("list takes no positional arguments");
      return list(connection, flags);
    case "show":
      return show(connection, flags, oneId(command, rest));
    case "stop":
      return stop(connection, flags, oneId(command, rest));
    case "rerun":
      return rerun(connection, flags, rest);
    case "purge":
      if (rest.length) throw new UsageError("purge takes no positional arguments");
      return purge(connection, flags);
    case "arm":
    case "disarm": {
      const vmId = oneId(command, rest);
      const body = command === "arm" ? armBody(vmId, flags) : { target: vmId };
      const answer = await armOrDisarm(connection, command, body);
      print(
        flags.json ? JSON.stringify(answer, null, 2) : `${answer.id}: ${answer.message ?? "armed"}`,
      );
      return 0;
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const usage = error instanceof UsageError;
      process.stderr.write(
        `ops: ${error instanceof Error ? error.message : String(error)}\n${usage ? "\nnpm run ops -- --help for usage\n" : ""}`,
      );
      process.exitCode = usage ? 2 : 1;
    },
  );
}
