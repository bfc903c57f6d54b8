import { InvocationContext, type FunctionInput } from "@azure/functions";
import * as df from "durable-functions";
import { ok } from "../../lib/domain/activityResult";
import { defineActivity, type ActivityEnv } from "../../lib/workflow/activity";
import { contract } from "../../lib/workflow/activityContract";
import { armRetry } from "../../lib/workflow/policies";
import { durableClientBinding } from "../../local/durable/clientBinding";

type Handler = (input: unknown, context: InvocationContext) => Promise<unknown>;
interface Registered {
  name: string;
  handler: Handler;
  extraInputs?: FunctionInput[];
}

const NAME = "verifyCaptureBlob";
const probe = contract<{ n: number }, string>(NAME, armRetry);
/** Valid activity settings (clients are built from them without any I/O). */
const ACTIVITY_ENV = { AZURE_ARM_ENDPOINT: "https://127.0.0.1:9", CAPTURE_SESSION_LIMIT: "500" };

let registered: Registered[];
const saved = { ...process.env };

beforeEach(() => {
  registered = [];
  jest.spyOn(df.app, "activity").mockImplementation((name, options) => {
    registered.push({
      name,
      handler: options.handler as Handler,
      ...(options.extraInputs && { extraInputs: options.extraInputs }),
    });
    // What df.app.activity returns is for orchestrators calling the activity by reference; unused here.
    return () => {
      throw new Error("not called by defineActivity");
    };
  });
  process.env = { ...saved, ...ACTIVITY_ENV };
});

afterEach(() => {
  jest.restoreAllMocks();
  process.env = saved;
});

/** Registers a logic that records the environment it was given, and returns what it saw. */
function define(options?: { durableClient?: boolean }) {
  const seen: { input?: unknown; env?: ActivityEnv } = {};
  defineActivity(
    probe,
    (input, env) => {
      Object.assign(seen, { input, env });
      env.log(`read https://st.blob.core.windows.net/c/a.cap?sv=1&sig=s3cr3t for ${input.n}`);
      return Promise.resolve(ok("done"));
    },
    options,
  );
  expect(registered).toHaveLength(1);
  return { seen, activity: registered[0]! };
}

function contextLogging(lines: string[], extraInputs: FunctionInput[] = []): InvocationContext {
  return new InvocationContext({
    functionName: NAME,
    options: { extraInputs },
    logHandler: (_level, ...args) => lines.push(args.map(String).join(" ")),
  });
}

describe("defineActivity (what every activity gets from its registration)", () => {
  test("registers under the contract's name and hands the logic its input and result", async () => {
    const { seen, activity } = define();
    expect(activity.name).toBe(NAME);
    const result = await activity.handler({ n: 7 }, contextLogging([]));
    expect(result).toEqual({ ok: true, value: "done" });
    expect(seen.input).toEqual({ n: 7 });
    expect(seen.env?.settings.AZURE_ARM_ENDPOINT).toBe("https://127.0.0.1:9");
  });

  test("a settings problem is a permanent Misconfigured failure naming the setting and the fix", async () => {
    const { seen, activity } = define();
    process.env.CAPTURE_SESSION_LIMIT = "0";
    expect(await activity.handler({ n: 1 }, contextLogging([]))).toEqual({
      ok: false,
      failure: {
        code: "Misconfigured",
        message: "app setting CAPTURE_SESSION_LIMIT: must be a whole number in 1-10000",
        action: "Fix the function app's application settings, then re-run.",
      },
    });
    expect(seen.env).toBeUndefined();
  });

  test("log lines are prefixed with the activity's name and have their secrets masked", async () => {
    const lines: string[] = [];
    const { activity } = define();
    await activity.handler({ n: 2 }, contextLogging(lines));
    expect(lines).toEqual([
      "verifyCaptureBlob: read https://st.blob.core.windows.net/c/a.cap?sv=1&sig=REDACTED for 2",
    ]);
  });

  test("without durableClient the activity declares no durable input and gets no client", async () => {
    const { seen, activity } = define();
    expect(activity.extraInputs).toBeUndefined();
    await activity.handler({ n: 3 }, contextLogging([]));
    expect(seen.env).not.toHaveProperty("durable");
  });

  test("with durableClient it declares the durable input and gets a client bound to it", async () => {
    const { seen, activity } = define({ durableClient: true });
    const inputs = activity.extraInputs ?? [];
    expect(inputs.map((i) => i.type)).toEqual(["durableClient"]);
    const context = contextLogging([], inputs);
    context.extraInputs.set(
      inputs[0]!,
      durableClientBinding("http://127.0.0.1:9", "http://127.0.0.1:9/durabletask/", {
        taskHub: "TestHub",
        systemKey: "test-key",
        connectionName: "Storage",
      }),
    );
    await activity.handler({ n: 4 }, context);
    expect(seen.env?.durable?.taskHubName).toBe("TestHub");
  });
});
