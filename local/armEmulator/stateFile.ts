// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * What ARM would still know after the emulator's process died: capture resources and their
 * sessions, long-running operations, VM extensions. Kept as one JSON file in the emulator's state
 * dir, rewritten atomically (temp file + rename) at most once a second: at the end of the
 * event-loop turn in which a capture changed when the last write is a second old, else a second
 * after the last write, and every second for the rest. The file holds every capture and
 * operation (hundreds of KB after a storm), so writing it on every turn with a change cost the
 * emulator's process — the bench client's too — more CPU than all it serves; a SIGKILL still loses
 * at most a second of bookkeeping (Azurite, beside it, persists its tables only every 5 s) and
 * never leaves a torn file.
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
  /** A capture changed: write at the end of this turn, or a second after the last write. */
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
  let lastWriteAt = -Infinity;
  let pending: (() => void) | undefined;
  const write = (): void => {
    pending?.();
    pending = undefined;
    if (closed) return;
    const text = JSON.stringify(snapshot());
    if (text === last) return;
    try {
      writeFileSync(`${file}.tmp`, text);
      renameSync(`${file}.tmp`, file);
      last = text;
      lastWriteAt = Date.now();
    } catch (err) {
      // The emulator keeps serving; only a restart would miss this change.
      log(`state file not written: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const timer = setInterval(write, FLUSH_MS);
  timer.unref();
  return {
    save() {
      if (pending || closed) return;
      const wait = lastWriteAt + FLUSH_MS - Date.now();
      if (wait <= 0) {
        const immediate = setImmediate(write);
        pending = () => clearImmediate(immediate);
      } else {
        const timeout = setTimeout(write, wait).unref();
        pending = () => clearTimeout(timeout);
      }
    },
    close() {
      write();
      closed = true;
      clearInterval(timer);
    },
  };
}
