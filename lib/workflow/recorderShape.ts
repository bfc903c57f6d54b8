/**
 * The shape of a recorder's input as it reaches the orchestration: a capture request's shape
 * plus the recorder's own fields. Pure, so the orchestrator checks it deterministically before
 * anything reads the input; ranges and app settings are checked by the validateRecorderRequest
 * activity (lib/workflow/requestCheck), because those may change between deploys.
 */
import { z } from "zod";
import { parseCaptureRequest, refusedAtIssue, type RequestVerdict } from "../domain/captureRequest";
import type { RecorderInput } from "./recorderContracts";

const recorderFieldsSchema = z.object({
  settings: z.object({
    ring: z.object({
      fileCount: z.number(),
      fileSizeInBytes: z.number(),
      sessionTimeLimitInSeconds: z.number(),
    }),
  }),
  armedBy: z.enum(["alert", "ops"]),
  freeze: z.object({ lookbackSeconds: z.number(), postTriggerSeconds: z.number() }),
  maxPerRegion: z.number(),
  // Written by the recorder's own continueAsNew (2.6+); the ring it names must be the VM's own.
  generation: z
    .object({
      number: z.number().int().min(2),
      startedAt: z.iso.datetime(),
      capture: z.object({
        watcher: z.object({
          subscriptionId: z.string(),
          resourceGroup: z.string(),
          name: z.string(),
        }),
        name: z.string(),
      }),
      armedAt: z.iso.datetime(),
      resolution: z.enum(["new", "adopted", "replaced", "suffixed"]),
      polls: z.number().int().min(0),
    })
    .optional(),
});

/** The request, if it has a recorder request's shape; otherwise the first field at fault. */
export function parseRecorderRequest(input: unknown): RequestVerdict<RecorderInput> {
  const capture = parseCaptureRequest(input);
  if (!capture.ok) return capture;
  const parsed = recorderFieldsSchema.safeParse(input);
  if (!parsed.success) return refusedAtIssue<RecorderInput>(parsed.error);
  // The original object: fields the schema does not list (alert details) must survive.
  return { ok: true, request: input as RecorderInput };
}
