/** The failure vocabulary ops read: exact codes, messages and actions, and first lines trimmed and bounded. */
import {
  asCaptureFailure,
  CaptureFailure,
  failureReason,
  firstLine,
  retriesExhausted,
} from "../../lib/workflow/captureFailure";

describe("capture failures", () => {
  test("firstLine: the first line, trimmed, at most 500 characters; non-errors as text", () => {
    expect(firstLine(new Error("ARM 503 \n at stack"))).toBe("ARM 503");
    expect(firstLine(new Error("x".repeat(600)))).toBe("x".repeat(500));
    expect(firstLine("plain text\nmore")).toBe("plain text");
  });

  test("a CaptureFailure is named, and its message is code: message", () => {
    const failure = new CaptureFailure("startCapture", {
      code: "AgentMissing",
      message: "no agent",
    });
    expect([failure.name, failure.message]).toEqual(["CaptureFailure", "AgentMissing: no agent"]);
  });

  test("retriesExhausted names the phase and the last error, and says what to check", () => {
    expect(retriesExhausted("checkQuota", "ARM 429")).toEqual({
      code: "RetriesExhausted",
      message: "checkQuota kept failing: ARM 429",
      action:
        "Check Azure Resource Manager / storage health and the function app's identity, then re-run the instance.",
    });
  });

  test("an unexpected error becomes an OrchestrationError in the current phase, its cause kept", () => {
    const bug = new TypeError("cannot read properties of undefined\n    at captureOrchestrator");
    const failure = asCaptureFailure(bug, "notify");
    expect(failure.phase).toBe("notify");
    expect(failure.failure).toEqual({
      code: "OrchestrationError",
      message: "notify: cannot read properties of undefined",
      action: "This is a bug in the capture orchestration; report it with the instance ID.",
    });
    expect(failure.cause).toBe(bug);
  });

  test("a CaptureFailure passes through asCaptureFailure unchanged", () => {
    const failure = new CaptureFailure("verifyCaptureBlob", {
      code: "BlobMissing",
      message: "gone",
    });
    expect(asCaptureFailure(failure, "notify")).toBe(failure);
  });

  test("failureReason: [phase] code: message, then the action when there is one", () => {
    const withAction = new CaptureFailure("checkQuota", {
      code: "QuotaExceeded",
      message: "full",
      action: "Wait.",
    });
    expect(failureReason(withAction)).toBe("[checkQuota] QuotaExceeded: full Action: Wait.");
    const bare = new CaptureFailure("checkQuota", { code: "QuotaExceeded", message: "full" });
    expect(failureReason(bare)).toBe("[checkQuota] QuotaExceeded: full");
  });
});
