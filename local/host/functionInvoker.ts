// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Invokes registered functions the way the Node worker's InvocationHandler does: the programming
 * model (@azure/functions) builds the arguments from RPC-shaped input data, runs the handler and
 * converts its result back — so HttpRequest/HttpResponse, InvocationContext and extraInputs are
 * @azure/functions' own. Pre/post-invocation hooks run around the call.
 */
import { randomUUID } from "node:crypto";
import type { DurableFunctionInvoker } from "../runtimeContracts";
import { type FunctionRegistry, type RegisteredFunction, triggerOf } from "./coreApi";
import type {
  CoreInvocationContext,
  InvocationState,
  RpcHttpData,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
  RpcParameterBinding,
  RpcTypedData,
} from "./coreTypes";

export type UserLog = (
  functionName: string,
  invocationId: string,
  level: RpcLogLevel,
  category: RpcLogCategory,
  message: string,
) => void;

export class FunctionInvoker implements DurableFunctionInvoker {
  constructor(
    private readonly registry: FunctionRegistry,
    private readonly log: UserLog,
    /** Extra input bindings by type (e.g. durableClient → its payload), supplied per invocation. */
    private readonly bindingData: (type: string) => unknown,
  ) {}

  orchestrationNames(): string[] {
    return this.registry.byTrigger("orchestrationTrigger").map((f) => f.metadata.name);
  }

  activityNames(): string[] {
    return this.registry.byTrigger("activityTrigger").map((f) => f.metadata.name);
  }

  async invokeOrchestrator(name: string, bindingInfo: unknown): Promise<unknown> {
    const response = await this.invoke(this.find(name, "orchestrationTrigger"), {
      string: JSON.stringify(bindingInfo),
    });
    return fromTypedData(response.returnValue);
  }

  /**
   * `input` is the scheduled input as the extension deserializes it once: durable-functions sends
   * string inputs pre-serialized, so a string arrives as JSON text the library parses again.
   */
  async invokeActivity(name: string, input: unknown, instanceId: string): Promise<unknown> {
    const data =
      input === null || input === undefined
        ? {}
        : { string: typeof input === "string" ? input : JSON.stringify(input) };
    // The extension's activity binding data: the input and the calling orchestration's instance id.
    const response = await this.invoke(this.find(name, "activityTrigger"), data, {
      instanceId: { string: instanceId },
      data,
    });
    return fromTypedData(response.returnValue);
  }

  /** Runs an HTTP-triggered function; resolves to its `$return` http output (or undefined). */
  async invokeHttp(fn: RegisteredFunction, request: RpcHttpData): Promise<RpcHttpData | undefined> {
    const response = await this.invoke(fn, { http: request });
    const output =
      response.outputData?.find((o) => o.name === "$return")?.data ?? response.returnValue;
    return output?.http ?? undefined;
  }

  private find(name: string, triggerType: string): RegisteredFunction {
    const fn = this.registry.byTrigger(triggerType).find((f) => f.metadata.name === name);
    if (!fn) throw new Error(`No ${triggerType} function named '${name}' is registered`);
    return fn;
  }

  private async invoke(
    fn: RegisteredFunction,
    triggerData: RpcTypedData,
    triggerMetadata: Record<string, RpcTypedData> = {},
  ): Promise<RpcInvocationResponse> {
    const model = this.registry.programmingModel;
    if (!model)
      throw new Error(
        "@azure/functions did not set a programming model (was it loaded before the core API was installed?)",
      );
    const trigger = triggerOf(fn);
    if (!trigger) throw new Error(`Function '${fn.metadata.name}' has no trigger binding`);
    const invocationId = randomUUID();
    const inputData: RpcParameterBinding[] = [{ name: trigger.name, data: triggerData }];
    for (const [bindingName, binding] of Object.entries(fn.metadata.bindings)) {
      if (
        binding.direction !== "in" ||
        bindingName === trigger.name ||
        typeof binding.type !== "string"
      )
        continue;
      const data = this.bindingData(binding.type);
      if (data !== undefined)
        inputData.push({ name: bindingName, data: { json: JSON.stringify(data) } });
    }
    const name = fn.metadata.name;
    const coreContext: CoreInvocationContext & { state?: InvocationState } = {
      invocationId,
      request: {
        invocationId,
        functionId: fn.metadata.functionId ?? name,
        inputData,
        triggerMetadata,
      },
      metadata: { name, bindings: fn.metadata.bindings },
      log: (level, category, message) => this.log(name, invocationId, level, category, message),
    };
    const invocationModel = await model.getInvocationModel(coreContext);
    const { context, inputs: initialInputs } = await invocationModel.getArguments();
    const hookData: Record<string, unknown> = {};
    const pre = {
      hookData,
      appHookData: this.registry.appHookData,
      invocationContext: context,
      functionCallback: fn.callback,
      inputs: initialInputs,
    };
    coreContext.state = "preInvocationHooks";
    await this.registry
      .runHooks("preInvocation", pre)
      .finally(() => (coreContext.state = undefined));

    const post = {
      hookData,
      appHookData: this.registry.appHookData,
      invocationContext: context,
      inputs: pre.inputs,
      result: null as unknown,
      error: null as unknown,
    };
    coreContext.state = "invocation";
    try {
      post.result = await invocationModel.invokeFunction(context, pre.inputs, pre.functionCallback);
    } catch (error) {
      post.error = error;
    } finally {
      coreContext.state = undefined;
    }
    coreContext.state = "postInvocationHooks";
    await this.registry
      .runHooks("postInvocation", post)
      .finally(() => (coreContext.state = undefined));
    // Rethrow exactly what the function threw, as the worker does.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    if (post.error) throw post.error;
    return invocationModel.getResponse(context, post.result);
  }
}

/** A returned value as the host reads RPC typed data. */
export function fromTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (typeof data.json === "string") return JSON.parse(data.json) as unknown;
  if (typeof data.string === "string") return data.string;
  if (typeof data.int === "number") return data.int;
  if (typeof data.double === "number") return data.double;
  if (data.bytes) return Buffer.from(data.bytes).toString("base64");
  return undefined;
}
