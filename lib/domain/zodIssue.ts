/**
 * Zod's first issue on a failed parse, the one a refusal names: where (its dotted field path, ""
 * for the value itself) and what (zod's message). One reader, so every refusal words it alike.
 */
import type { z } from "zod";

export interface FirstIssue {
  path: string;
  message: string;
}

export function firstIssue(error: z.ZodError): FirstIssue {
  const issue = error.issues[0];
  // Stryker disable next-line all: zod fails a parse only with an issue; the index type allows none
  if (!issue) return { path: "", message: "invalid" };
  return { path: issue.path.join("."), message: issue.message };
}
