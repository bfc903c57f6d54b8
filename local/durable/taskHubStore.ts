// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Task-hub state in Azure Table storage, laid out like the Azure Storage provider: a
 * `<Hub>History` table with one partition per instance, and a `<Hub>Instances` table for queries.
 *
 * One History partition holds everything that must change together:
 *   - `sentinel`: the instance record (execution id, status, committed history length, payloads).
 *     Updating it, etag-guarded, is the commit point of an episode.
 *   - `h:<executionId>:<seq>`: history events. An episode upserts its events past the committed
 *     length in its commit transaction, or before it when they do not fit; rows beyond
 *     `HistoryCount` are ignored until a commit covers them, so a crash mid-write leaves nothing
 *     visible.
 *   - `m:<time>:<n>`: inbox messages (activity results, fired timers, raised events, terminate,
 *     ExecutionStarted). The commit batch deletes the messages the episode consumed, atomically
 *     with the sentinel update (one entity-group transaction, ≤ 100 operations).
 * The Instances row is a copy written after each commit (and repaired on start-up), as eventually
 * consistent as the real provider's.
 */
import { odata, type TableEntity, TableClient, type TransactionAction } from "@azure/data-tables";
import { approximateBytes, type EntityProps, readText, writeText } from "./chunkedText";
import type { HistoryEvent, ParentInstance, RuntimeStatus } from "./historyEvents";

export interface InstanceRecord {
  instanceId: string;
  executionId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  /** Committed events of the current execution. */
  historyCount: number;
  createdTime: string;
  lastUpdatedTime: string;
  input: string | null;
  output: string | null;
  customStatus: string | null;
  /** A sub-orchestration's parent (kept across continue-as-new); null for a top-level instance. */
  parent: ParentInstance | null;
  /** The orchestration version stamped at start (empty: unversioned). */
  version: string;
}

export interface StoredRecord {
  record: InstanceRecord;
  etag: string;
}

export interface InboxMessage {
  rowKey: string;
  /** Execution the message belongs to; empty for events addressed to whatever execution is current. */
  executionId: string;
  event: HistoryEvent;
}

export interface LoadedInstance extends StoredRecord {
  history: HistoryEvent[];
  inbox: InboxMessage[];
}

export interface InstanceQuery {
  runtimeStatus?: RuntimeStatus[];
  createdTimeFrom?: Date;
  createdTimeTo?: Date;
  instanceIdPrefix?: string;
}

export interface InstancePage {
  records: InstanceRecord[];
  continuationToken?: string;
}

/** Thrown by `commit` when the sentinel changed (or vanished) since it was read. */
export class CommitConflictError extends Error {}

const sentinelKey = "sentinel";
const maxBatchOperations = 100;
const maxBatchBytes = 3_500_000;

export class TaskHubStore {
  private messageCounter = 0;

  private constructor(
    private readonly history: TableClient,
    private readonly instances: TableClient,
  ) {}

  static async open(connectionString: string, taskHub: string): Promise<TaskHubStore> {
    const options = { allowInsecureConnection: true };
    const store = new TaskHubStore(
      TableClient.fromConnectionString(connectionString, `${taskHub}History`, options),
      TableClient.fromConnectionString(connectionString, `${taskHub}Instances`, options),
    );
    await Promise.all([store.history.createTable(), store.instances.createTable()]);
    return store;
  }

  async readRecord(instanceId: string): Promise<StoredRecord | undefined> {
    try {
      const entity = await this.history.getEntity<EntityProps>(instanceId, sentinelKey);
      return { record: recordFromEntity(instanceId, entity), etag: String(entity.etag) };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** The sentinel, the committed history of the current execution, and the inbox in arrival order. */
  async loadInstance(instanceId: string): Promise<LoadedInstance | undefined> {
    let stored: StoredRecord | undefined;
    const historyRows = new Map<number, HistoryEvent>();
    const rows: Array<{ rowKey: string; entity: EntityProps }> = [];
    for await (const entity of this.history.listEntities<EntityProps>({
      queryOptions: { filter: odata`PartitionKey eq ${instanceId}` },
    })) {
      const rowKey = String(entity.rowKey);
      if (rowKey === sentinelKey)
        stored = { record: recordFromEntity(instanceId, entity), etag: String(entity.etag) };
      else rows.push({ rowKey, entity });
    }
    if (!stored) return undefined;
    const historyPrefix = `h:${stored.record.executionId}:`;
    const inbox: InboxMessage[] = [];
    for (const { rowKey, entity } of rows) {
      if (rowKey.startsWith(historyPrefix)) {
        const seq = Number(rowKey.slice(historyPrefix.length));
        if (seq < stored.record.historyCount) historyRows.set(seq, eventFromEntity(entity));
      } else if (rowKey.startsWith("m:")) {
        inbox.push({
          rowKey,
          executionId: String(entity.ExecutionId ?? ""),
          event: eventFromEntity(entity),
        });
      }
    }
    const history: HistoryEvent[] = [];
    for (let seq = 0; seq < stored.record.historyCount; seq++) {
      const event = historyRows.get(seq);
      if (!event)
        throw new Error(
          `History of ${instanceId} is missing event ${seq} of ${stored.record.historyCount}`,
        );
      history.push(event);
    }
    inbox.sort((a, b) => (a.rowKey < b.rowKey ? -1 : 1));
    return { ...stored, history, inbox };
  }

  /**
   * The commit point: replaces (or, with `etag` undefined, creates) the sentinel, deletes the
   * consumed inbox messages and adds new ones, all in one transaction. An episode's new history
   * (`appended`, upserted at its sequence numbers) rides in the same transaction when it fits, as
   * the Azure Storage provider sends each history batch with the etag-guarded sentinel
   * (AzureTableTrackingStore.UploadHistoryBatch); when it does not, it is written first, invisible
   * until this commit's `historyCount` covers it.
   */
  async commit(
    record: InstanceRecord,
    etag: string | undefined,
    consumed: readonly string[],
    added: ReadonlyArray<Omit<InboxMessage, "rowKey">>,
    appended?: { executionId: string; fromSeq: number; events: readonly HistoryEvent[] },
  ): Promise<void> {
    const sentinel = entityFromRecord(record);
    const actions: TransactionAction[] = [
      etag === undefined ? ["create", sentinel] : ["update", sentinel, "Replace", { etag }],
      ...consumed.map((rowKey): TransactionAction => [
        "delete",
        { partitionKey: record.instanceId, rowKey },
      ]),
      ...added.map((message): TransactionAction => [
        "create",
        this.inboxEntity(record.instanceId, message),
      ]),
    ];
    if (actions.length > maxBatchOperations)
      throw new Error(`commit of ${actions.length} operations exceeds one transaction`);
    const historyActions = appended
      ? historyUpserts(record.instanceId, appended.executionId, appended.fromSeq, appended.events)
      : [];
    const fits =
      actions.length + historyActions.length <= maxBatchOperations &&
      [...actions, ...historyActions].reduce((sum, a) => sum + approximateBytes(a[1]), 0) <=
        maxBatchBytes;
    if (fits) actions.unshift(...historyActions);
    else await this.submitInBatches(historyActions);
    try {
      await this.history.submitTransaction(actions);
    } catch (error) {
      const status = statusOf(error);
      if (status === 409 || status === 412 || status === 404)
        throw new CommitConflictError(
          `instance ${record.instanceId} changed concurrently (${status})`,
        );
      throw error;
    }
  }

  async enqueue(instanceId: string, message: Omit<InboxMessage, "rowKey">): Promise<void> {
    await this.history.createEntity(this.inboxEntity(instanceId, message));
  }

  async deleteRows(instanceId: string, rowKeys: readonly string[]): Promise<void> {
    await this.submitInBatches(
      rowKeys.map((rowKey): TransactionAction => ["delete", { partitionKey: instanceId, rowKey }]),
      true,
    );
  }

  /** Row keys of history rows that belong to other executions than `currentExecutionId`. */
  async staleHistoryKeys(instanceId: string, currentExecutionId: string): Promise<string[]> {
    const keys: string[] = [];
    const filter = odata`PartitionKey eq ${instanceId} and RowKey ge 'h:' and RowKey lt 'h;'`;
    for await (const entity of this.history.listEntities({
      queryOptions: { filter, select: ["RowKey"] },
    })) {
      const rowKey = String(entity.rowKey);
      if (!rowKey.startsWith(`h:${currentExecutionId}:`)) keys.push(rowKey);
    }
    return keys;
  }

  async upsertInstanceRow(record: InstanceRecord): Promise<void> {
    await this.instances.upsertEntity({ ...entityFromRecord(record), rowKey: "" }, "Replace");
  }

  async queryInstances(
    query: InstanceQuery,
    pageSize: number | undefined,
    continuationToken: string | undefined,
  ): Promise<InstancePage> {
    const clauses: string[] = [];
    if (query.createdTimeFrom)
      clauses.push(odata`CreatedTime ge ${query.createdTimeFrom.toISOString()}`);
    if (query.createdTimeTo)
      clauses.push(odata`CreatedTime le ${query.createdTimeTo.toISOString()}`);
    if (query.runtimeStatus?.length)
      clauses.push(
        `(${query.runtimeStatus.map((s) => odata`RuntimeStatus eq ${s}`).join(" or ")})`,
      );
    if (query.instanceIdPrefix) {
      const prefix = query.instanceIdPrefix;
      const upper =
        prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
      clauses.push(odata`PartitionKey ge ${prefix} and PartitionKey lt ${upper}`);
    }
    const pages = this.instances
      .listEntities<EntityProps>({
        queryOptions: clauses.length ? { filter: clauses.join(" and ") } : {},
      })
      .byPage({
        maxPageSize: pageSize ?? 1000,
        ...(continuationToken ? { continuationToken } : {}),
      });
    const page = (await pages.next()).value as
      (EntityProps[] & { continuationToken?: string }) | undefined;
    if (!page) return { records: [] };
    return {
      records: page.map((entity) => recordFromEntity(String(entity.partitionKey), entity)),
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    };
  }

  /** Instance ids whose sentinel says Pending or Running: the work to resume after a restart. */
  async unfinishedInstanceIds(): Promise<string[]> {
    const ids: string[] = [];
    const filter = odata`RowKey eq ${sentinelKey} and (RuntimeStatus eq 'Pending' or RuntimeStatus eq 'Running')`;
    for await (const entity of this.history.listEntities({
      queryOptions: { filter, select: ["PartitionKey"] },
    }))
      ids.push(String(entity.partitionKey));
    return ids;
  }

  /** Deletes an instance's history partition and its Instances row. */
  async purge(instanceId: string): Promise<void> {
    const keys: string[] = [];
    for await (const entity of this.history.listEntities({
      queryOptions: { filter: odata`PartitionKey eq ${instanceId}`, select: ["RowKey"] },
    })) {
      keys.push(String(entity.rowKey));
    }
    // The sentinel goes last so a purge interrupted half-way still finds the instance next time.
    await this.deleteRows(
      instanceId,
      keys.filter((k) => k !== sentinelKey),
    );
    await this.deleteRows(
      instanceId,
      keys.filter((k) => k === sentinelKey),
    );
    try {
      await this.instances.deleteEntity(instanceId, "");
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }

  private inboxEntity(
    instanceId: string,
    message: Omit<InboxMessage, "rowKey">,
  ): TableEntity<EntityProps> {
    // Arrival order: wall-clock milliseconds, then a per-process counter, then noise so two processes never collide.
    const rowKey = `m:${String(Date.now()).padStart(15, "0")}:${String(this.messageCounter++ % 1e6).padStart(6, "0")}:${Math.random().toString(36).slice(2, 8)}`;
    const entity: TableEntity<EntityProps> = {
      partitionKey: instanceId,
      rowKey,
      ExecutionId: message.executionId,
    };
    writeText(entity, "E", JSON.stringify(message.event), `${eventName(message.event)} message`);
    return entity;
  }

  private async submitInBatches(
    actions: TransactionAction[],
    ignoreMissing = false,
  ): Promise<void> {
    let batch: TransactionAction[] = [];
    let bytes = 0;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const current = batch;
      batch = [];
      bytes = 0;
      try {
        await this.history.submitTransaction(current);
      } catch (error) {
        if (!(ignoreMissing && statusOf(error) === 404)) throw error;
        // A row already gone makes the whole delete batch fail: fall back to one by one.
        for (const action of current) await this.deleteIgnoringMissing(action[1]);
      }
    };
    for (const action of actions) {
      const size = approximateBytes(action[1]);
      if (batch.length >= maxBatchOperations || bytes + size > maxBatchBytes) await flush();
      batch.push(action);
      bytes += size;
    }
    await flush();
  }

  private async deleteIgnoringMissing(entity: TableEntity): Promise<void> {
    try {
      await this.history.deleteEntity(entity.partitionKey, entity.rowKey);
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }
}

/** Upserts of events at `fromSeq…` of an execution's history: invisible until a commit counts them. */
function historyUpserts(
  instanceId: string,
  executionId: string,
  fromSeq: number,
  historyEvents: readonly HistoryEvent[],
): TransactionAction[] {
  return historyEvents.map((event, i) => {
    const entity: TableEntity<EntityProps> = {
      partitionKey: instanceId,
      rowKey: historyKey(executionId, fromSeq + i),
    };
    writeText(entity, "E", JSON.stringify(event), `${eventName(event)} event`);
    return ["upsert", entity, "Replace"];
  });
}

function historyKey(executionId: string, seq: number): string {
  return `h:${executionId}:${String(seq).padStart(10, "0")}`;
}

function eventName(event: HistoryEvent): string {
  return event.Name ? `${event.Name} ` : "";
}

function eventFromEntity(entity: EntityProps): HistoryEvent {
  return JSON.parse(readText(entity, "E") ?? "null") as HistoryEvent;
}

function entityFromRecord(record: InstanceRecord): TableEntity<EntityProps> {
  const entity: TableEntity<EntityProps> = {
    partitionKey: record.instanceId,
    rowKey: sentinelKey,
    ExecutionId: record.executionId,
    Name: record.name,
    RuntimeStatus: record.runtimeStatus,
    HistoryCount: record.historyCount,
    CreatedTime: record.createdTime,
    LastUpdatedTime: record.lastUpdatedTime,
    Version: record.version,
  };
  writeText(entity, "Input", record.input, "orchestration input");
  writeText(entity, "Output", record.output, "orchestration output");
  writeText(entity, "CustomStatus", record.customStatus, "custom status");
  if (record.parent) entity.Parent = JSON.stringify(record.parent);
  return entity;
}

function recordFromEntity(instanceId: string, entity: EntityProps): InstanceRecord {
  return {
    instanceId,
    executionId: String(entity.ExecutionId ?? ""),
    name: String(entity.Name ?? ""),
    runtimeStatus: String(entity.RuntimeStatus ?? "Pending") as RuntimeStatus,
    historyCount: Number(entity.HistoryCount ?? 0),
    createdTime: String(entity.CreatedTime ?? ""),
    lastUpdatedTime: String(entity.LastUpdatedTime ?? ""),
    input: readText(entity, "Input"),
    output: readText(entity, "Output"),
    customStatus: readText(entity, "CustomStatus"),
    parent:
      typeof entity.Parent === "string" ? (JSON.parse(entity.Parent) as ParentInstance) : null,
    version: String(entity.Version ?? ""),
  };
}

function statusOf(error: unknown): number | undefined {
  return typeof error === "object" && error !== null && "statusCode" in error
    ? Number(error.statusCode)
    : undefined;
}
