/**
 * Checks recorded ARM exchanges (local/armEmulator/trafficRecorder.ts files) against the vendored
 * Azure REST API specs with Microsoft's own validator, `oav` (its LiveValidator: operation lookup by
 * path + method + api-version, then request and response schema, status code and LRO header checks).
 *
 * ARM's polling URLs are not operations of any RP spec. An `Azure-AsyncOperation` poll is matched
 * against ../asyncOperations/*.json (common-types OperationStatusResult); a `Location` poll's answer
 * is what the operation that issued the URL finally answers, so it is checked against that
 * operation's responses, as ARM's async protocol defines it.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { LiveValidator, type RequestResponsePair } from "oav";
import type { TrafficFile } from "../../../local/armEmulator";
import { CONTRACT_DIR, VENDORED_SPECS } from "./vendoredSpecs";

export interface ExchangeVerdict {
  file: string;
  /** The emulator's name for the operation it answered (its route's operationId). */
  operation: string;
  /** The spec operation the exchange was checked against; undefined when no vendored spec has it. */
  specOperation?: string;
  issues: string[];
}

export interface ArmContract {
  check(file: string, traffic: TrafficFile): Promise<ExchangeVerdict>;
  /** A response alone, against the operation `method` + `url` match (for published examples). */
  checkResponse(
    url: string,
    method: string,
    response: { statusCode: string; headers?: Record<string, string>; body?: unknown },
  ): Promise<ExchangeVerdict>;
}

interface Issue {
  code: string;
  message: string;
  pathsInPayload?: string[];
}

interface Outcome {
  isSuccessful?: boolean;
  errors?: Issue[];
  runtimeException?: { code: string; message: string };
  operationInfo?: { operationId?: string };
}

/** Loads the vendored specs once (well under a second); nothing is fetched. */
export async function loadArmContract(): Promise<ArmContract> {
  const validator = new LiveValidator(
    {
      directory: CONTRACT_DIR,
      swaggerPathsPattern: VENDORED_SPECS.map((s) => s.entry),
      git: { shouldClone: false },
      isPathCaseSensitive: false,
    },
    // oav's own log repeats what its results carry (e.g. calls no vendored spec has); the
    // verdicts report those, so the test output is not flooded with them.
    () => undefined,
  );
  await validator.initialize();
  const checkResponse: ArmContract["checkResponse"] = async (url, method, response) => {
    const liveResponse = response as unknown as RequestResponsePair["liveResponse"];
    const outcome = await validator.validateLiveResponse(liveResponse, { url, method });
    return verdict(url, method, [["response", outcome]]);
  };
  return {
    checkResponse,
    async check(file, traffic) {
      const { operation, lroOf: lro } = traffic.emulator;
      if (lro?.via === "location") {
        const pair = traffic as unknown as RequestResponsePair;
        return {
          ...(await checkResponse(lro.url, lro.method, pair.liveResponse)),
          file,
          operation,
        };
      }
      // oav's types say object bodies; recorded bodies are JSON values of any shape, which it handles.
      const result = await validator.validateLiveRequestResponse(
        traffic as unknown as RequestResponsePair,
      );
      return verdict(file, operation, [
        ["request", result.requestValidationResult],
        ["response", result.responseValidationResult],
      ]);
    },
  };
}

const NOT_IN_SPECS = /OPERATION_NOT_FOUND|Could not find (best match )?operation/i;

/** Issues read "request|response CODE at /json/path: message". */
function verdict(
  file: string,
  operation: string,
  outcomes: Array<["request" | "response", Outcome]>,
): ExchangeVerdict {
  const issues: string[] = [];
  let specOperation: string | undefined;
  let unmatched = false;
  for (const [side, outcome] of outcomes) {
    specOperation ??= outcome.operationInfo?.operationId;
    for (const e of outcome.errors ?? [])
      issues.push(
        `${side} ${e.code} at ${(e.pathsInPayload ?? []).join(",") || "/"}: ${e.message}`,
      );
    const ex = outcome.runtimeException;
    if (ex) {
      if (NOT_IN_SPECS.test(`${ex.code} ${ex.message}`)) unmatched = true;
      else issues.push(`${side} ${ex.code}: ${ex.message}`);
    }
  }
  if (unmatched) return { file, operation, issues: [] };
  return { file, operation, ...(specOperation && { specOperation }), issues };
}

/** Every recorded exchange in `dir`, in recording order. */
export async function readTraffic(
  dir: string,
): Promise<Array<{ file: string; traffic: TrafficFile }>> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(".json")).sort();
  return Promise.all(
    names.map(async (file) => ({
      file,
      traffic: JSON.parse(await readFile(path.join(dir, file), "utf8")) as TrafficFile,
    })),
  );
}
