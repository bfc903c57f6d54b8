/** Worker-thread entry: runs the fuzz cases and posts the report, so the parent can bound time and heap. */
import { parentPort, workerData } from "node:worker_threads";
import { runFuzz } from "./fuzzCases";

const { cases, seed } = workerData as { cases: number; seed: number };
runFuzz(cases, seed).then(
  (report) => parentPort!.postMessage({ report }),
  (error: unknown) => parentPort!.postMessage({ error: String((error as Error).stack ?? error) }),
);
