// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * What ARM would still know after the emulator's process died: capture resources and their
 * sessions, long-running operations, VM extensions. Kept as one JSON file in the emulator's state
 * dir, rewritten atomically (temp file + rename) at the end of the event-loop turn in which a
 * capture changed (a burst of changes — 200 captures polled at once — costs one write, not one
 * each: the file holds every capture, so per-change writes grew quadratically) and at least every
 * second for the rest, so a SIGKILL loses at most a second of operation bookkeeping and never
 * leaves a torn file.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { SavedCapture } from "./capture/captureService";
import type { ExtensionRecord } from "./compute/extensionStore";
import type { SavedOperation } from "./operations";

export interface EmulatorState {
  version: 1;
  captures: SavedCapture[];
  operations: SavedOperation[];
  extensions: Record<string, ExtensionRecord[]>;
}

const FILE = "emulator-state.json";
const FLUSH_MS = 1000;

export function loadEmulatorState(stateDir: string): EmulatorState | undefined {
  const file = path.join(stateDir, FILE);
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, "utf8")) as EmulatorState;
  if (state.version !== 1) throw new Error(`${file}: unknown version ${String(state.version)}`);
  return state;
}

export interface StateWriter {
  /** Write at the end of this event-loop turn (a capture changed). */
  save(): void;
  /** Last write, then no more (the emulator is stopping). */
  close(): void;
}

export function writeEmulatorState(
  stateDir: string,
  snapshot: () => EmulatorState,
  log: (line: string) => void,
): StateWriter {
  const file = path.join(stateDir, FILE);
  let last = "";
  let closed = false;
  let pending: NodeJS.Immediate | undefined;
  const write = (): void => {
    pending = undefined;
    if (closed) return;
    const text = JSON.stringify(snapshot());
    if (text === last) return;
    try {
      writeFileSync(`${file}.tmp`, text);
      renameSync(`${file}.tmp`, file);
      last = text;
    } catch (err) {
      // The emulator keeps serving; only a restart would miss this change.
      log(`state file not written: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const timer = setInterval(write, FLUSH_MS);
  timer.unref();
  return {
    save() {
      pending ??= setImmediate(write);
    },
    close() {
      if (pending) clearImmediate(pending);
      write();
      closed = true;
      clearInterval(timer);
    },
  };
}
