// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Long-running operations as ARM exposes them. Each operation is backed by a promise of its outcome
 * and reachable at two URLs under the region:
 *   .../providers/{provider}/locations/{region}/operations/{id}        — `Azure-AsyncOperation`: always 200,
 *        body `{status: InProgress|Succeeded|Failed, error?}`;
 *   .../providers/{provider}/locations/{region}/operationResults/{id}  — `Location`: 202 while running,
 *        then the operation's own final response (or its error status).
 * Polls wait briefly for the outcome (long poll) so clients honouring `Retry-After: 0` do not spin.
 */
import { randomUUID } from "node:crypto";
import { ArmError, type ArmResponse } from "./armHttp";

export type OperationOutcome =
  | { outcome: "succeeded"; response: ArmResponse }
  | { outcome: "failed"; code: string; message: string };

export interface OperationScope {
  subscriptionId: string;
  region: string;
  provider: "Microsoft.Network" | "Microsoft.Compute";
  apiVersion: string;
}

interface OperationRecord {
  id: string;
  scope: OperationScope;
  startTime: Date;
  endTime?: Date;
  result?: OperationOutcome;
  settled: Promise<void>;
}

/** An operation as the emulator's state file keeps it. */
export interface SavedOperation {
  id: string;
  scope: OperationScope;
  startTime: string;
  endTime?: string;
  result?: OperationOutcome;
}

export interface StartedOperation {
  asyncOperationUrl: string;
  locationUrl: string;
}

const LONG_POLL_MS = 500;

export class OperationRegistry {
  private readonly records = new Map<string, OperationRecord>();

  constructor(private readonly log: (line: string) => void) {}

  start(baseUrl: string, scope: OperationScope, work: Promise<OperationOutcome>): StartedOperation {
    const id = randomUUID();
    const record: OperationRecord = {
      id,
      scope,
      startTime: new Date(),
      settled: Promise.resolve(),
    };
    record.settled = work
      .catch((err: unknown): OperationOutcome => {
        this.log(`operation ${id} crashed: ${err instanceof Error ? err.message : String(err)}`);
        return {
          outcome: "failed",
          code: "InternalServerError",
          message: "An internal error occurred.",
        };
      })
      .then((result) => {
        record.result = result;
        record.endTime = new Date();
      });
    this.records.set(id, record);
    // The scope comes decoded from the request path; unencoded, a hostile subscription ID makes the header invalid.
    const base = `${baseUrl}/subscriptions/${encodeURIComponent(scope.subscriptionId)}/providers/${scope.provider}/locations/${encodeURIComponent(scope.region)}`;
    const query = `?api-version=${encodeURIComponent(scope.apiVersion)}`;
    return {
      asyncOperationUrl: `${base}/operations/${id}${query}`,
      locationUrl: `${base}/operationResults/${id}${query}`,
    };
  }

  saved(): SavedOperation[] {
    return [...this.records.values()].map((r) => ({
      id: r.id,
      scope: r.scope,
      startTime: r.startTime.toISOString(),
      ...(r.endTime && { endTime: r.endTime.toISOString() }),
      ...(r.result && { result: r.result }),
    }));
  }

  /** Operations of an emulator that was killed; one still running then died with it. */
  restore(saved: readonly SavedOperation[], now = new Date()): void {
    for (const s of saved) {
      this.records.set(s.id, {
        id: s.id,
        scope: s.scope,
        startTime: new Date(s.startTime),
        endTime: s.endTime ? new Date(s.endTime) : now,
        result: s.result ?? {
          outcome: "failed",
          code: "InternalServerError",
          message: "The operation was interrupted; retry it.",
        },
        settled: Promise.resolve(),
      });
    }
  }

  /** `Azure-AsyncOperation` poll. */
  async asyncOperationStatus(params: Readonly<Record<string, string>>): Promise<ArmResponse> {
    const record = await this.settledWithin(params);
    const result = record.result;
    const { subscriptionId, provider, region } = record.scope;
    const body: Record<string, unknown> = {
      // common-types OperationStatusResult: `id` is the status resource's ARM ID (format arm-id), `name` its GUID.
      id: `/subscriptions/${subscriptionId}/providers/${provider}/locations/${region}/operations/${record.id}`,
      name: record.id,
      startTime: record.startTime.toISOString(),
    };
    if (!result)
      return {
        status: 200,
        headers: { "retry-after": "0" },
        body: { ...body, status: "InProgress" },
      };
    body["endTime"] = record.endTime?.toISOString();
    if (result.outcome === "succeeded")
      return { status: 200, body: { ...body, status: "Succeeded" } };
    return {
      status: 200,
      body: { ...body, status: "Failed", error: { code: result.code, message: result.message } },
    };
  }

  /** `Location` poll: 202 until done, then the final response. A failure answers 400 with the error. */
  async operationResult(
    params: Readonly<Record<string, string>>,
    selfUrl: string,
  ): Promise<ArmResponse> {
    const result = (await this.settledWithin(params)).result;
    if (!result) return { status: 202, headers: { location: selfUrl, "retry-after": "0" } };
    if (result.outcome === "succeeded") return result.response;
    return new ArmError(400, result.code, result.message).toResponse();
  }

  private async settledWithin(params: Readonly<Record<string, string>>): Promise<OperationRecord> {
    const record = this.records.get(params["operationId"] ?? "");
    const matches =
      record &&
      record.scope.subscriptionId.toLowerCase() === params["subscriptionId"]?.toLowerCase() &&
      record.scope.provider.toLowerCase() === params["provider"]?.toLowerCase() &&
      record.scope.region.toLowerCase() === params["region"]?.toLowerCase();
    if (!record || !matches)
      throw new ArmError(
        404,
        "OperationNotFound",
        `Operation '${params["operationId"]}' was not found.`,
      );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      record.settled,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, LONG_POLL_MS))),
    ]);
    clearTimeout(timer);
    return record;
  }
}
