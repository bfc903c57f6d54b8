// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * The durable engine: client operations (start, raise, terminate, purge, restart, status, list),
 * dispatch (one episode at a time per instance, activities with a concurrency limit, durable
 * timers) and recovery. Everything it must not lose is in the task hub (taskHubStore); what it
 * keeps in memory (armed timers, running activities) is re-derived from history on start, so a
 * SIGKILL at any point only costs re-running in-flight activities — at least once, as in Azure.
 *
 * Sub-orchestrations: the parent's episode commits SubOrchestrationInstanceCreated, then the
 * engine creates the child (sentinel with its parent link + ExecutionStarted, one transaction).
 * When the child finishes, its result goes to the parent's inbox. Both hand-overs are repeated
 * on recovery for every created-but-unsettled child, and are idempotent: a child that already
 * carries this parent link is not created again, and a duplicate result is dropped on delivery.
 */
import type {
  DurableClientBinding,
  DurableEngineHandle,
  DurableEngineOptions,
  EngineHttpRequest,
  EngineHttpResponse,
  InstanceStats,
} from "../runtimeContracts";
import { durableClientBinding, type LinkSettings } from "./clientBinding";
import { DurableClock } from "./durableClock";
import { type EpisodeReport, isTaskResult, runEpisode, startMessage } from "./episode";
import {
  EventType,
  events,
  type HistoryEvent,
  type ParentInstance,
  type RuntimeStatus,
  terminalStatuses,
  toJsonText,
} from "./historyEvents";
import { handleDurableHttp } from "./httpApi";
import { instanceIdProblem, newExecutionId, newInstanceId } from "./ids";
import type { ScheduledWork } from "./replay";
import { type VersioningSettings, versioningOff } from "./versioning";
import { statusPayload, type StatusOptions, type StatusPayload } from "./statusPayload";
import {
  CommitConflictError,
  type InstancePage,
  type InstanceQuery,
  type InstanceRecord,
  type LoadedInstance,
  TaskHubStore,
} from "./taskHubStore";

/** A client request the extension refuses with an ArgumentException (HTTP 400). */
export class InvalidRequestError extends Error {}
/** OrchestrationAlreadyExistsException: an InvalidOperationException (HTTP 500 from the HTTP API). */
export class InstanceAlreadyExistsError extends Error {}

/** overridableExistingInstanceStates: NonRunningStates — these may not be started over. */
const runningStatuses: ReadonlySet<RuntimeStatus> = new Set([
  "Pending",
  "Running",
  "Suspended",
  "ContinuedAsNew",
]);
const episodeRetryMs = 2000;

type SubOrchestrationWork = Extract<ScheduledWork, { kind: "subOrchestration" }>;

interface ActivityWork {
  instanceId: string;
  executionId: string;
  id: number;
  name: string;
  input: string;
}

export class DurableEngine implements DurableEngineHandle {
  readonly clock: DurableClock;
  private store: TaskHubStore | undefined;
  private readonly links: LinkSettings;
  /** Instances with an episode loop running; `true` = run again when it ends. */
  private readonly episodeLoops = new Map<string, boolean>();
  private readonly activityQueue: ActivityWork[] = [];
  private readonly activitiesInFlight = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = false;

  private get versioning(): VersioningSettings {
    return this.options.versioning ?? versioningOff;
  }

  constructor(private readonly options: DurableEngineOptions) {
    this.clock = new DurableClock(options.clock);
    this.links = {
      taskHub: options.taskHub,
      systemKey: options.systemKey,
      connectionName: "Storage",
    };
  }

  async start(): Promise<void> {
    this.store = await TaskHubStore.open(
      this.options.storageConnectionString,
      this.options.taskHub,
    );
    await this.recover();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clock.stop();
    this.activityQueue.length = 0;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  clientBinding(): DurableClientBinding {
    return durableClientBinding(this.options.baseUrl, this.options.rpcBaseUrl, this.links);
  }

  handleHttp(request: EngineHttpRequest): Promise<EngineHttpResponse> {
    return handleDurableHttp(this, this.links, request);
  }

  get orchestratorNames(): string[] {
    return this.options.invoker.orchestrationNames();
  }

  // ---- client operations --------------------------------------------------------------------

  /** StartNewAsync: refuses to start over a Pending/Running instance; overwrites a finished one. */
  async startNew(
    name: string,
    instanceId: string | undefined,
    input: string | null,
    version?: string,
  ): Promise<string> {
    if (!this.orchestratorNames.some((n) => n.toLowerCase() === name.toLowerCase())) {
      throw new InvalidRequestError(
        `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      );
    }
    const canonicalName = this.orchestratorNames.find(
      (n) => n.toLowerCase() === name.toLowerCase(),
    ) as string;
    const id = instanceId || newInstanceId();
    const problem = instanceIdProblem(id);
    if (problem) throw new InvalidRequestError(problem);
    // As the extension's StartNew: one point read of the instance's status decides; only a
    // finished instance being started over needs its whole partition (its leftover messages).
    const store = this.requireStore();
    const current = await store.readRecord(id);
    // Read again whole: the etag the commit is guarded with must be the one whose status was checked.
    const existing = current && (await store.loadInstance(id));
    const status = (existing ?? current)?.record.runtimeStatus;
    if (status && runningStatuses.has(status)) {
      throw new InstanceAlreadyExistsError(
        `An Orchestration instance with the status ${status} already exists.`,
      );
    }
    try {
      await this.createExecution(
        canonicalName,
        id,
        input,
        { parent: null, version: version || this.versioning.defaultVersion },
        existing,
      );
    } catch (error) {
      if (error instanceof CommitConflictError)
        throw new InstanceAlreadyExistsError(
          `An Orchestration instance with the ID ${id} was created concurrently.`,
        );
      throw error;
    }
    return id;
  }

  /** Writes a new execution's sentinel and ExecutionStarted message (over a finished one, if any) and runs it. */
  private async createExecution(
    name: string,
    id: string,
    input: string | null,
    { parent, version }: { parent: ParentInstance | null; version: string },
    existing: LoadedInstance | undefined,
  ): Promise<void> {
    const store = this.requireStore();
    const now = this.clock.nowIso();
    const record: InstanceRecord = {
      instanceId: id,
      executionId: newExecutionId(),
      name,
      runtimeStatus: "Pending",
      historyCount: 0,
      createdTime: now,
      lastUpdatedTime: now,
      input,
      output: null,
      customStatus: null,
      parent,
      // As the extension: fixed for the instance's life.
      version,
    };
    // Leftover messages of the replaced execution go in the same transaction (≤ 98 of them; older ones are dropped on delivery).
    const leftovers = (existing?.inbox ?? []).slice(0, 98).map((m) => m.rowKey);
    await store.commit(record, existing?.etag, leftovers, [startMessage(record, now)]);
    // The moment the instance exists (the line's timestamp), for the latency bench's stages.
    this.options.log(`orchestrator ${name} instance=${id} status=Pending created`);
    this.afterCommit(record);
    if (existing) this.track(this.deleteStaleHistory(id, record.executionId));
    this.kick(id);
  }

  async raiseEvent(instanceId: string, eventName: string, data: string | null): Promise<void> {
    await this.deliver(instanceId, "", events.eventRaised(this.clock.nowIso(), eventName, data));
  }

  async terminate(instanceId: string, reason: string | null): Promise<void> {
    await this.deliver(instanceId, "", events.executionTerminated(this.clock.nowIso(), reason));
  }

  /** RestartAsync: starts the instance's orchestrator again with its original input. */
  async restart(instanceId: string, withNewInstanceId: boolean): Promise<string> {
    const stored = await this.requireStore().readRecord(instanceId);
    if (!stored)
      throw new InvalidRequestError(
        `An orchestrastion with the instanceId ${instanceId} was not found.`,
      );
    return this.startNew(
      stored.record.name,
      withNewInstanceId ? undefined : instanceId,
      stored.record.input,
    );
  }

  async purge(instanceId: string): Promise<boolean> {
    const store = this.requireStore();
    if (!(await store.readRecord(instanceId))) return false;
    this.clock.disarmWhere((key) => key.startsWith(`${instanceId}|`));
    await store.purge(instanceId);
    return true;
  }

  async purgeWhere(query: InstanceQuery): Promise<number> {
    let deleted = 0;
    let token: string | undefined;
    for (let page = 0; page < 10_000; page++) {
      const result: InstancePage = await this.requireStore().queryInstances(query, 100, token);
      for (const record of result.records) if (await this.purge(record.instanceId)) deleted++;
      token = result.continuationToken;
      if (!token) break;
    }
    return deleted;
  }

  /**
   * Without history, one point read of the instance's record, as the extension's GetStatus reads
   * one Instances row (AzureTableTrackingStore.GetStateAsync); the partition only for history.
   */
  async status(instanceId: string, options: StatusOptions): Promise<StatusPayload | undefined> {
    const store = this.requireStore();
    if (!options.showHistory) {
      const stored = await store.readRecord(instanceId);
      return stored && statusPayload(stored.record, options);
    }
    const loaded = await store.loadInstance(instanceId);
    return loaded ? statusPayload(loaded.record, options, loaded.history) : undefined;
  }

  async list(
    query: InstanceQuery,
    options: StatusOptions,
    pageSize: number | undefined,
    continuationToken: string | undefined,
  ): Promise<{ statuses: StatusPayload[]; continuationToken?: string }> {
    const page = await this.requireStore().queryInstances(query, pageSize, continuationToken);
    return {
      statuses: page.records.map((r) => statusPayload(r, { ...options, showHistory: false })),
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    };
  }

  async stats(instanceId: string): Promise<InstanceStats | undefined> {
    const loaded = await this.requireStore().loadInstance(instanceId);
    if (!loaded) return undefined;
    const count = (type: EventType): number =>
      loaded.history.filter((e) => e.EventType === type).length;
    return {
      instanceId,
      runtimeStatus: loaded.record.runtimeStatus,
      historyEvents: loaded.history.length,
      activities: count(EventType.TaskScheduled),
      timers: count(EventType.TimerCreated),
      episodes: count(EventType.OrchestratorStarted),
    };
  }

  // ---- dispatch ---------------------------------------------------------------------------------

  /** Puts a message in an instance's inbox and runs an episode for it. */
  private async deliver(
    instanceId: string,
    executionId: string,
    event: HistoryEvent,
  ): Promise<void> {
    await this.requireStore().enqueue(instanceId, { executionId, event });
    this.kick(instanceId);
  }

  private kick(instanceId: string): void {
    if (this.stopped) return;
    if (this.episodeLoops.has(instanceId)) {
      this.episodeLoops.set(instanceId, true);
      return;
    }
    this.episodeLoops.set(instanceId, true);
    this.track(this.episodeLoop(instanceId));
  }

  private async episodeLoop(instanceId: string): Promise<void> {
    try {
      for (let round = 0; this.episodeLoops.get(instanceId) === true && !this.stopped; round++) {
        this.episodeLoops.set(instanceId, false);
        const report = await this.runOneEpisode(instanceId);
        if (report?.again) this.episodeLoops.set(instanceId, true);
      }
    } finally {
      this.episodeLoops.delete(instanceId);
    }
  }

  private async runOneEpisode(instanceId: string): Promise<EpisodeReport | undefined> {
    const started = Date.now();
    try {
      const report = await runEpisode(
        {
          store: this.requireStore(),
          invoker: this.options.invoker,
          clock: this.clock,
          versioning: this.versioning,
        },
        instanceId,
      );
      if (report.rejected)
        this.options.log(
          `orchestrator instance=${instanceId} left for another worker: ${report.rejected}`,
        );
      if (report.record) {
        this.afterCommit(report.record);
        // As a restart does: only the current execution's history is kept, so an eternal
        // orchestration's episodes load half a day of history, not every execution's.
        if (report.continuedAsNew)
          this.track(this.deleteStaleHistory(instanceId, report.record.executionId));
        this.dispatch(report.record, report.newWork, report.cancelledTimerIds);
        if (terminalStatuses.has(report.record.runtimeStatus) && report.record.parent)
          this.track(this.notifyParent(report.record));
        const work = report.newWork.map(describeWork).join(", ");
        this.options.log(
          `orchestrator ${report.record.name} instance=${instanceId} status=${report.record.runtimeStatus}${work ? ` scheduled=[${work}]` : ""} ${Date.now() - started}ms`,
        );
      }
      return report;
    } catch (error) {
      if (error instanceof CommitConflictError)
        return { newWork: [], cancelledTimerIds: [], again: true };
      // Storage trouble: the messages are still in the inbox, so try again later rather than leave the instance stuck.
      this.options.log(
        `orchestrator episode for instance=${instanceId} failed, retrying in ${episodeRetryMs} ms: ${error instanceof Error ? error.stack : String(error)}`,
      );
      setTimeout(() => this.kick(instanceId), episodeRetryMs).unref();
      return undefined;
    }
  }

  /** Hands the committed episode's work out: activities to the pool, timers to the clock. */
  private dispatch(
    record: InstanceRecord,
    work: readonly ScheduledWork[],
    cancelledTimerIds: readonly number[],
  ): void {
    const timerKey = (id: number): string => `${record.instanceId}|${record.executionId}|${id}`;
    if (terminalStatuses.has(record.runtimeStatus))
      this.clock.disarmWhere((key) => key.startsWith(`${record.instanceId}|`));
    for (const id of cancelledTimerIds) this.clock.disarm(timerKey(id));
    for (const item of work) {
      if (item.kind === "activity")
        this.enqueueActivity({
          instanceId: record.instanceId,
          executionId: record.executionId,
          id: item.id,
          name: item.name,
          input: item.input,
        });
      else if (item.kind === "subOrchestration") this.track(this.startChild(record, item));
      else if (!cancelledTimerIds.includes(item.id))
        this.armTimer(record.instanceId, record.executionId, item.id, item.fireAt);
    }
  }

  /**
   * Creates the child of a SubOrchestrationInstanceCreated, once: a child already carrying this
   * parent link was created before (a crash between the parent's commit and now, or recovery);
   * if it has finished, its result is sent again in case the first send was lost. A child id
   * held by another running instance fails the parent's task, as StartNew refuses it.
   */
  private async startChild(parent: InstanceRecord, work: SubOrchestrationWork): Promise<void> {
    const link: ParentInstance = {
      OrchestrationInstance: { InstanceId: parent.instanceId, ExecutionId: parent.executionId },
      Name: parent.name,
      Version: parent.version,
      TaskScheduleId: work.id,
    };
    const name =
      this.orchestratorNames.find((n) => n.toLowerCase() === work.name.toLowerCase()) ?? work.name;
    const store = this.requireStore();
    for (let attempt = 0; attempt < 5 && !this.stopped; attempt++) {
      const existing = await store.loadInstance(work.instanceId);
      if (existing && sameParent(existing.record.parent, link)) {
        if (terminalStatuses.has(existing.record.runtimeStatus))
          await this.notifyParent(existing.record);
        return;
      }
      if (existing && runningStatuses.has(existing.record.runtimeStatus)) {
        const reason = `An Orchestration instance with the status ${existing.record.runtimeStatus} already exists.`;
        await this.deliver(
          parent.instanceId,
          parent.executionId,
          events.subOrchestrationFailed(
            this.clock.nowIso(),
            work.id,
            reason,
            failureDetails(reason, null),
          ),
        );
        return;
      }
      try {
        // Stamped like startNew: the version the parent named, else host.json's defaultVersion.
        await this.createExecution(
          name,
          work.instanceId,
          work.input,
          { parent: link, version: work.version || this.versioning.defaultVersion },
          existing,
        );
        return;
      } catch (error) {
        if (!(error instanceof CommitConflictError)) throw error;
      }
    }
  }

  /** Sends a finished sub-orchestration's result to the parent execution waiting for it. */
  private async notifyParent(child: InstanceRecord): Promise<void> {
    const parent = child.parent;
    if (!parent) return;
    const now = this.clock.nowIso();
    const reason = child.output ?? "";
    const event =
      child.runtimeStatus === "Completed"
        ? events.subOrchestrationCompleted(now, parent.TaskScheduleId, child.output)
        : events.subOrchestrationFailed(
            now,
            parent.TaskScheduleId,
            reason,
            failureDetails(reason, null),
          );
    await this.deliver(
      parent.OrchestrationInstance.InstanceId,
      parent.OrchestrationInstance.ExecutionId,
      event,
    );
  }

  private armTimer(instanceId: string, executionId: string, id: number, fireAt: string): void {
    this.clock.arm(`${instanceId}|${executionId}|${id}`, Date.parse(fireAt), () => {
      this.track(
        this.deliver(instanceId, executionId, events.timerFired(this.clock.nowIso(), id, fireAt)),
      );
    });
  }

  private enqueueActivity(work: ActivityWork): void {
    const key = `${work.instanceId}|${work.executionId}|${work.id}`;
    if (this.activitiesInFlight.has(key)) return;
    this.activitiesInFlight.add(key);
    this.activityQueue.push(work);
    this.pumpActivities();
  }

  private pumpActivities(): void {
    while (
      !this.stopped &&
      this.activityQueue.length > 0 &&
      this.runningActivities() < this.options.maxConcurrentActivities
    ) {
      const work = this.activityQueue.shift() as ActivityWork;
      this.track(this.runActivity(work));
    }
  }

  private runningActivities(): number {
    return this.activitiesInFlight.size - this.activityQueue.length;
  }

  private async runActivity(work: ActivityWork): Promise<void> {
    const started = Date.now();
    // The moment an activity leaves the queue (the host's line timestamp), for latency benches.
    this.options.log(
      `activity ${work.name} instance=${work.instanceId} task=${work.id} status=Started`,
    );
    let event: HistoryEvent;
    try {
      const result = await this.options.invoker.invokeActivity(
        work.name,
        JSON.parse(work.input) as unknown,
        work.instanceId,
      );
      event = events.taskCompleted(this.clock.nowIso(), work.id, toJsonText(result));
      this.options.log(
        `activity ${work.name} instance=${work.instanceId} task=${work.id} status=Completed ${Date.now() - started}ms`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      event = events.taskFailed(
        this.clock.nowIso(),
        work.id,
        `Activity function '${work.name}' failed: ${message}`,
        failureDetails(message, error instanceof Error ? (error.stack ?? null) : null),
      );
      this.options.log(
        `activity ${work.name} instance=${work.instanceId} task=${work.id} status=Failed ${Date.now() - started}ms: ${message}`,
      );
    }
    try {
      if (!this.stopped) await this.deliver(work.instanceId, work.executionId, event);
    } finally {
      this.activitiesInFlight.delete(`${work.instanceId}|${work.executionId}|${work.id}`);
      this.pumpActivities();
    }
  }

  private afterCommit(record: InstanceRecord): void {
    // The Instances row is a query copy; if this write is lost, recovery rewrites it from the sentinel.
    this.track(this.requireStore().upsertInstanceRow(record));
  }

  private async deleteStaleHistory(instanceId: string, currentExecutionId: string): Promise<void> {
    const store = this.requireStore();
    await store.deleteRows(
      instanceId,
      await store.staleHistoryKeys(instanceId, currentExecutionId),
    );
  }

  /** Counts work in flight; in skip mode, an idle engine fires its next timer. */
  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch((error: unknown) =>
      this.options.log(
        `engine task failed: ${error instanceof Error ? error.stack : String(error)}`,
      ),
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => {
      this.inFlight.delete(tracked);
      if (this.clock.mode === "skip") setImmediate(() => this.fireTimerIfIdle());
    });
  }

  private fireTimerIfIdle(): void {
    if (
      this.inFlight.size === 0 &&
      this.activitiesInFlight.size === 0 &&
      this.episodeLoops.size === 0
    )
      this.clock.fireNextWhenIdle();
  }

  /**
   * Resumes every Pending/Running instance from what the task hub holds: repairs its Instances
   * row, re-runs activities scheduled without a result, re-arms timers not yet fired, and runs an
   * episode for waiting messages.
   */
  private async recover(): Promise<void> {
    const store = this.requireStore();
    const ids = await store.unfinishedInstanceIds();
    let activities = 0;
    let timers = 0;
    let children = 0;
    for (const instanceId of ids) {
      const loaded = await store.loadInstance(instanceId);
      if (!loaded) continue;
      const { record, history, inbox } = loaded;
      this.clock.advanceTo(Date.parse(record.lastUpdatedTime));
      await store.upsertInstanceRow(record);
      const settled = new Set<number>();
      for (const e of [
        ...history,
        ...inbox.filter((m) => m.executionId === record.executionId).map((m) => m.event),
      ]) {
        if (isTaskResult(e)) settled.add(e.TaskScheduledId ?? -1);
        if (e.EventType === EventType.TimerFired) settled.add(e.TimerId ?? -1);
      }
      for (const e of history) {
        if (settled.has(e.EventId)) continue;
        if (e.EventType === EventType.TaskScheduled) {
          activities++;
          this.enqueueActivity({
            instanceId,
            executionId: record.executionId,
            id: e.EventId,
            name: e.Name ?? "",
            input: e.Input ?? "null",
          });
        } else if (e.EventType === EventType.TimerCreated) {
          timers++;
          this.armTimer(instanceId, record.executionId, e.EventId, e.FireAt ?? e.Timestamp);
        } else if (e.EventType === EventType.SubOrchestrationInstanceCreated) {
          children++;
          this.track(
            this.startChild(record, {
              kind: "subOrchestration",
              id: e.EventId,
              name: e.Name ?? "",
              instanceId: e.InstanceId ?? "",
              input: e.Input ?? "null",
              version: e.Version ?? "",
            }),
          );
        }
      }
      if (inbox.length > 0) this.kick(instanceId);
    }
    if (ids.length > 0)
      this.options.log(
        `recovered ${ids.length} unfinished instance(s): ${activities} activity(ies) re-run, ${timers} timer(s) re-armed, ${children} sub-orchestration(s) checked`,
      );
    if (this.clock.mode === "skip") setImmediate(() => this.fireTimerIfIdle());
  }

  private requireStore(): TaskHubStore {
    if (!this.store) throw new Error("durable engine not started");
    return this.store;
  }
}

function describeWork(work: ScheduledWork): string {
  switch (work.kind) {
    case "activity":
      return work.name;
    case "timer":
      return `timer@${work.fireAt}`;
    case "subOrchestration":
      return `${work.name}#${work.instanceId}`;
  }
}

function sameParent(a: ParentInstance | null, b: ParentInstance): boolean {
  return (
    a !== null &&
    a.OrchestrationInstance.InstanceId === b.OrchestrationInstance.InstanceId &&
    a.OrchestrationInstance.ExecutionId === b.OrchestrationInstance.ExecutionId &&
    a.TaskScheduleId === b.TaskScheduleId
  );
}

/** The exception details the extension puts beside a failure reason (durable-functions needs a string). */
function failureDetails(message: string, stack: string | null): string {
  return JSON.stringify({ ClassName: "System.Exception", Message: message, StackTrace: stack });
}
