// The emulator's state file: every change reaches the disk within a second, but a stream of
// changes costs one write a second, not one per event-loop turn.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  type EmulatorState,
  type StateWriter,
  writeEmulatorState,
} from "../../../local/armEmulator/stateFile";

let dir: string;
let captures: string[];
let snapshots: number;

const snapshot = (): EmulatorState => {
  snapshots++;
  return {
    version: 1,
    captures: captures.map((name) => ({ name }) as unknown as EmulatorState["captures"][number]),
    operations: [],
    extensions: {},
  };
};
const onDisk = (): string[] =>
  (
    JSON.parse(readFileSync(path.join(dir, "emulator-state.json"), "utf8")) as EmulatorState
  ).captures.map((c) => c.name);

beforeEach(() => {
  jest.useFakeTimers();
  dir = mkdtempSync(path.join(tmpdir(), "armemu-statefile-"));
  captures = [];
  snapshots = 0;
});
afterEach(() => {
  jest.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

/** A writer whose first capture, pc-1, was saved after a quiet second and is on disk. */
function writerAfterFirstChange(): StateWriter {
  const writer = writeEmulatorState(dir, snapshot, () => undefined);
  captures.push("pc-1");
  writer.save();
  writer.save();
  jest.advanceTimersByTime(0);
  return writer;
}

test("a change after a quiet second is written at the end of its turn", () => {
  const writer = writerAfterFirstChange();
  expect(onDisk()).toEqual(["pc-1"]);
  expect(snapshots).toBe(1);
  writer.close();
});

test("changes within a second of a write are written together a second after it", () => {
  const writer = writerAfterFirstChange();
  for (let i = 2; i <= 20; i++) {
    jest.advanceTimersByTime(40);
    captures.push(`pc-${i}`);
    writer.save();
  }
  // 760 ms after the first write: not yet on disk.
  expect(onDisk()).toEqual(["pc-1"]);
  jest.advanceTimersByTime(240);
  expect(onDisk()).toHaveLength(20);
  // One write for the first change and one for the other 19.
  expect(snapshots).toBe(2);
  writer.close();
});

test("close writes what changed since the last write, and nothing after", () => {
  const writer = writerAfterFirstChange();
  captures.push("pc-2");
  writer.save();
  writer.close();
  expect(onDisk()).toEqual(["pc-1", "pc-2"]);
  captures.push("pc-3");
  writer.save();
  jest.advanceTimersByTime(5000);
  expect(onDisk()).toEqual(["pc-1", "pc-2"]);
});
