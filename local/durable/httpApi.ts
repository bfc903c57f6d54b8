// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * The Durable extension's HTTP API (HttpApiHandler.HandleRequestAsync): same routes, status codes
 * and bodies, served both at /runtime/webhooks/durabletask (system key) and on the keyless local
 * RPC endpoint DurableClient uses.
 */
import type { EngineHttpRequest, EngineHttpResponse } from "../runtimeContracts";
import { checkStatusBody, type LinkSettings } from "./clientBinding";
import { type DurableEngine, InstanceAlreadyExistsError, InvalidRequestError } from "./engine";
import { OrchestrationStatus, type RuntimeStatus, terminalStatuses } from "./historyEvents";
import type { StatusOptions } from "./statusPayload";
import type { InstanceQuery } from "./taskHubStore";

type Handler = (
  engine: DurableEngine,
  links: LinkSettings,
  request: EngineHttpRequest,
  params: string[],
) => Promise<EngineHttpResponse>;

const notFound: EngineHttpResponse = { status: 404 };

export async function handleDurableHttp(
  engine: DurableEngine,
  links: LinkSettings,
  request: EngineHttpRequest,
): Promise<EngineHttpResponse> {
  const segments = request.path.split("/").filter(Boolean).map(decodeURIComponent);
  const method = request.method.toUpperCase();
  try {
    const handler = route(segments, method);
    return handler ? await handler.run(engine, links, request, handler.params) : notFound;
  } catch (error) {
    if (error instanceof InvalidRequestError)
      return errorResponse(400, "One or more of the arguments submitted is incorrect", error);
    return errorResponse(500, "Something went wrong while processing your request", error);
  }
}

function route(segments: string[], method: string): { run: Handler; params: string[] } | undefined {
  const [controller, first, second, third, ...rest] = segments;
  if (rest.length > 0) return undefined;
  if (controller === "orchestrators" && first !== undefined && third === undefined) {
    return method === "POST"
      ? { run: startOrchestration, params: [first, second ?? ""] }
      : { run: async () => notFound, params: [] };
  }
  if (controller === "entities")
    return {
      run: async () => errorResponse(501, "Durable entities are not emulated by the local engine"),
      params: [],
    };
  if (controller !== "instances") return undefined;
  if (first !== undefined && second?.toLowerCase() === "raiseevent" && third !== undefined) {
    return method === "POST"
      ? { run: raiseEvent, params: [first, third] }
      : { run: async () => notFound, params: [] };
  }
  if (third !== undefined) return undefined;
  if (first === undefined) {
    if (method === "GET") return { run: listInstances, params: [] };
    if (method === "DELETE") return { run: purgeWhere, params: [] };
    return { run: async () => notFound, params: [] };
  }
  if (second === undefined) {
    if (method === "GET") return { run: getStatus, params: [first] };
    if (method === "DELETE") return { run: purgeOne, params: [first] };
    return { run: async () => notFound, params: [] };
  }
  if (method !== "POST") return { run: async () => notFound, params: [] };
  switch (second.toLowerCase()) {
    case "terminate":
      return { run: terminate, params: [first] };
    case "restart":
      return { run: restart, params: [first] };
    case "rewind":
    case "suspend":
    case "resume":
      return {
        run: async () =>
          errorResponse(
            501,
            `The ${second} operation is not supported by the local durable engine.`,
          ),
        params: [],
      };
    default:
      return undefined;
  }
}

const startOrchestration: Handler = async (engine, links, request, [functionName, instanceId]) => {
  let input: string | null = null;
  if (request.body.length > 0) {
    const text = request.body.toString("utf8");
    try {
      JSON.parse(text);
    } catch (error) {
      return errorResponse(400, "Invalid JSON content", error);
    }
    input = text;
  }
  const id = await engine.startNew(
    functionName as string,
    instanceId || undefined,
    input,
    request.query.get("version") ?? undefined,
  );
  return waitOrCheckStatus(engine, links, request, id);
};

const restart: Handler = async (engine, links, request, [instanceId]) => {
  try {
    const id = await engine.restart(
      instanceId as string,
      parseBool(request.query.get("restartWithNewInstanceId")) ?? false,
    );
    return await waitOrCheckStatus(engine, links, request, id);
  } catch (error) {
    if (error instanceof InvalidRequestError)
      return errorResponse(400, "InstanceId does not match a valid orchestration instance.", error);
    throw error;
  }
};

const getStatus: Handler = async (engine, _links, request, [instanceId]) => {
  const status = await engine.status(instanceId as string, statusOptions(request.query));
  if (!status) return notFound;
  const returnServerError =
    parseBool(request.query.get("returnInternalServerErrorOnFailure")) ?? false;
  return statusResponse(status.runtimeStatus as RuntimeStatus, status, request, returnServerError);
};

function statusResponse(
  runtimeStatus: RuntimeStatus,
  body: unknown,
  request: EngineHttpRequest,
  returnServerError: boolean,
): EngineHttpResponse {
  if (!terminalStatuses.has(runtimeStatus)) {
    const query = request.query.toString();
    return {
      status: 202,
      body,
      headers: {
        Location: `${request.origin}${request.fullPath}${query ? `?${query}` : ""}`,
        "Retry-After": "5",
      },
    };
  }
  return { status: runtimeStatus === "Failed" && returnServerError ? 500 : 200, body };
}

const listInstances: Handler = async (engine, _links, request) => {
  const top = parseIntParam(request.query.get("top"));
  const token = request.headers["x-ms-continuation-token"] || undefined;
  const page = await engine.list(
    instanceQuery(request.query),
    statusOptions(request.query),
    top,
    token,
  );
  const headers: Record<string, string> = page.continuationToken
    ? { "x-ms-continuation-token": page.continuationToken }
    : {};
  return { status: 200, body: page.statuses, headers };
};

const purgeOne: Handler = async (engine, _links, _request, [instanceId]) =>
  (await engine.purge(instanceId as string))
    ? { status: 200, body: { instancesDeleted: 1 } }
    : notFound;

const purgeWhere: Handler = async (engine, _links, request) => {
  const query = instanceQuery(request.query);
  if (!query.createdTimeFrom)
    return { status: 400, body: "Please provide value for 'createdTimeFrom' parameter." };
  const deleted = await engine.purgeWhere({
    ...query,
    createdTimeTo: query.createdTimeTo ?? new Date(),
  });
  return deleted === 0 ? notFound : { status: 200, body: { instancesDeleted: deleted } };
};

const terminate: Handler = async (engine, _links, request, [instanceId]) => {
  const status = await engine.status(instanceId as string, {
    showInput: false,
    showHistory: false,
    showHistoryOutput: false,
  });
  if (!status) return notFound;
  if (terminalStatuses.has(status.runtimeStatus as RuntimeStatus)) return { status: 410 };
  await engine.terminate(instanceId as string, request.query.get("reason"));
  return { status: 202 };
};

const raiseEvent: Handler = async (engine, _links, request, [instanceId, eventName]) => {
  const status = await engine.status(instanceId as string, {
    showInput: false,
    showHistory: false,
    showHistoryOutput: false,
  });
  if (!status) return notFound;
  if (terminalStatuses.has(status.runtimeStatus as RuntimeStatus)) return { status: 410 };
  const mediaType = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/json")
    return errorResponse(400, "Only application/json request content is supported");
  const text = request.body.toString("utf8");
  try {
    if (text.trim().length > 0) JSON.parse(text);
  } catch (error) {
    return errorResponse(400, "Invalid JSON content", error);
  }
  await engine.raiseEvent(
    instanceId as string,
    eventName as string,
    text.trim().length > 0 ? text : null,
  );
  return { status: 202 };
};

/** Start/restart answer: check-status 202, or with `timeout`+`pollingInterval` (seconds) wait for the outcome first. */
async function waitOrCheckStatus(
  engine: DurableEngine,
  links: LinkSettings,
  request: EngineHttpRequest,
  instanceId: string,
): Promise<EngineHttpResponse> {
  const timeoutS = Number(request.query.get("timeout"));
  const intervalS = Number(request.query.get("pollingInterval"));
  if (timeoutS > 0 && intervalS > 0) {
    const deadline = Date.now() + timeoutS * 1000;
    for (let poll = 0; poll < 100_000; poll++) {
      const status = await engine.status(instanceId, {
        showInput: true,
        showHistory: false,
        showHistoryOutput: false,
      });
      const runtimeStatus = status?.runtimeStatus as RuntimeStatus | undefined;
      if (status && runtimeStatus === "Completed") return { status: 200, body: status.output };
      if (status && runtimeStatus && terminalStatuses.has(runtimeStatus))
        return statusResponse(runtimeStatus, status, request, false);
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(remaining, intervalS * 1000)));
    }
  }
  const body = checkStatusBody(request.origin, instanceId, links);
  return {
    status: 202,
    body,
    headers: { Location: body.statusQueryGetUri as string, "Retry-After": "10" },
  };
}

function statusOptions(query: URLSearchParams): StatusOptions {
  return {
    showHistory: parseBool(query.get("showHistory")) ?? false,
    showHistoryOutput: parseBool(query.get("showHistoryOutput")) ?? false,
    showInput: parseBool(query.get("showInput")) ?? true,
  };
}

function instanceQuery(query: URLSearchParams): InstanceQuery {
  const date = (name: string): Date | undefined => {
    const value = query.get(name);
    const parsed = value ? new Date(value) : undefined;
    return parsed && !Number.isNaN(parsed.getTime()) ? parsed : undefined;
  };
  const statuses = query
    .getAll("runtimeStatus")
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v): v is RuntimeStatus => v in OrchestrationStatus && Number.isNaN(Number(v)));
  return {
    ...(statuses.length ? { runtimeStatus: statuses } : {}),
    ...(date("createdTimeFrom") ? { createdTimeFrom: date("createdTimeFrom") } : {}),
    ...(date("createdTimeTo") ? { createdTimeTo: date("createdTimeTo") } : {}),
    ...(query.get("instanceIdPrefix")
      ? { instanceIdPrefix: query.get("instanceIdPrefix") as string }
      : {}),
  };
}

/** .NET bool.TryParse: "true"/"false", any case; anything else is "not given". */
function parseBool(value: string | null): boolean | undefined {
  const v = value?.trim().toLowerCase();
  return v === "true" ? true : v === "false" ? false : undefined;
}

function parseIntParam(value: string | null): number | undefined {
  const n = value === null ? NaN : Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** ASP.NET's HttpError body, as CreateErrorResponse writes it. */
function errorResponse(status: number, message: string, error?: unknown): EngineHttpResponse {
  const body: Record<string, unknown> = { Message: message };
  if (error !== undefined) {
    body.ExceptionMessage = error instanceof Error ? error.message : String(error);
    body.ExceptionType =
      error instanceof InstanceAlreadyExistsError
        ? "DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException"
        : error instanceof InvalidRequestError
          ? "System.ArgumentException"
          : "System.Exception";
  }
  return { status, body };
}
