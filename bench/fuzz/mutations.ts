/**
 * Builds fuzz case `index` of a run: a seed payload, one to three structural mutations (types
 * flipped, keys deleted or duplicated, huge strings, deep nesting, prototype-shaped keys, unicode,
 * numbers at their limits, capture overrides at and past their ranges), then sometimes damage to
 * the bytes (truncation, flipped bytes, garbage around it, UTF-16), an oversize body, a wrong
 * content type or chunked framing. Same (seed, index) → same case.
 */
import { OVERRIDE_KEYS } from "../../lib/domain/captureParameters";
import { LOCAL_STORAGE_ACCOUNT_ID } from "../../local/stack";
import {
  EditableTree,
  get,
  insertEntry,
  type Json,
  remove,
  set,
  shortPath,
  type Slot,
} from "./jsonTree";
import { Prng } from "./prng";
import type { Seed } from "./seeds";

export interface FuzzCase {
  index: number;
  seed: string;
  mutations: string[];
  body: Buffer;
  headers: Record<string, string>;
  chunked: boolean;
}

const KB = 1024;
const NUMBER_TEXTS = [
  "0",
  "-0",
  "-1",
  "0.5",
  "1e308",
  "-1e308",
  "1e400",
  "-1e400",
  "5e-324",
  "1e-400",
  "9007199254740993",
  "4294967295",
  "4294967296",
  "18000",
  "18001",
  "1E2",
  "123456789012345678901234567890",
];
const UNICODE_BITS = [
  "\u0000",
  "\ud800",
  "\udfff",
  "\ud83d",
  "\u202e",
  "\u200b",
  "\ufeff",
  "😀",
  "e\u0301",
  "\u2028",
  "\u0085",
  "İ",
  "ß",
  "\uffff",
  "ｓ",
  "\\",
  '"',
  "%00",
  "../",
];
const HUGE_LENGTHS = [64 * KB, 64 * KB + 1, 100_000, 250_000, 400_000];
const DEPTHS = [31, 32, 33, 64, 1000, 50_000, 120_000];
const OVERSIZE = [256 * KB - 16, 256 * KB + 1, 300_000, 1_000_000];
const OVERRIDE_VALUES: Record<string, Json[]> = {
  [OVERRIDE_KEYS.timeLimit]: [
    "0",
    "1",
    "2",
    "18000",
    "18001",
    "-5",
    "1.5",
    "2e0",
    " 3",
    "0x10",
    "",
    "NaN",
    "Infinity",
    3,
    null,
    true,
  ],
  [OVERRIDE_KEYS.totalBytes]: ["0", "4294967295", "4294967296", "-1", "1e10", "", 1024],
  [OVERRIDE_KEYS.bytesPerPacket]: ["0", "4294967295", "4294967296", "-1", "abc"],
  [OVERRIDE_KEYS.filters]: [
    "[]",
    '[{"protocol":"TCP","localPort":"65535"}]',
    '[{"protocol":"XYZ"}]',
    '{"protocol":"TCP"}',
    '[{"localIPAddress":"10.0.0.9-10.0.0.1"}]',
    '[{"localPort":"70000"}]',
    '[{"remoteIPAddress":"::1;300.1.1.1"}]',
    "not json",
    `[${Array.from({ length: 500 }, () => '{"protocol":"UDP"}').join(",")}]`,
  ],
  [OVERRIDE_KEYS.storageAccount]: [
    "/subscriptions/1/resourceGroups/x/providers/Microsoft.Storage/storageAccounts/elsewhere",
    LOCAL_STORAGE_ACCOUNT_ID.toUpperCase(),
    "garbage",
    "",
  ],
};
const CONTENT_TYPES = [
  undefined,
  "",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "text/plain",
  "application/vnd.api+json",
  "application/xml",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/octet-stream",
  "text/html",
  "application/jsonx",
  `application/json; ${"x".repeat(4000)}`,
];
const WHOLE_BODIES = [
  "",
  " ",
  "null",
  "[]",
  "{}",
  '"x"',
  "0",
  "1e999",
  "true",
  "[{}]",
  '{"schemaId":null}',
  '{"schemaId":"azureMonitorCommonAlertSchema"}',
  '{"targetVM":1}',
  '{"RequestBody":{}}',
  '{"status":"Activated","context":null}',
];
const GARBAGE = ["\ufeff", "//x\n", ")]}'\n", "\u0000", " \n\t", ",", "}", "]", "garbage"];

type TreeMutation = (rng: Prng, tree: EditableTree) => string | undefined;

function randomValue(rng: Prng, old: Json): Json {
  return rng.pick<Json>([null, true, false, 0, -1, 1.5, "", "x", [], {}, [old], { v: old }]);
}

function typeName(value: Json): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

function stringSlots(tree: EditableTree): Slot[] {
  return tree.slots().filter((slot) => typeof get(slot) === "string");
}

const treeMutations: Record<string, TreeMutation> = {
  flipType(rng, tree) {
    const slot = rng.pick(tree.slots());
    const value = randomValue(rng, get(slot));
    set(slot, value);
    return `flipType ${shortPath(slot.path)}→${typeName(value)}`;
  },
  deleteKey(rng, tree) {
    const slot = rng.pick(tree.slots());
    if (slot.path === "root") return undefined;
    remove(slot);
    return `delete ${shortPath(slot.path)}`;
  },
  duplicateKey(rng, tree) {
    const candidates = tree.objects().filter(({ object }) => Object.keys(object).length > 0);
    if (candidates.length === 0) return undefined;
    const { object, path } = rng.pick(candidates);
    const key = rng.pick(Object.keys(object));
    insertEntry(
      object,
      tree.raw(JSON.stringify(key)),
      randomValue(rng, object[key] ?? null),
      rng.int(Object.keys(object).length + 1),
    );
    return `duplicate ${shortPath(path ? `${path}.${key}` : key)}`;
  },
  protoKey(rng, tree) {
    const objects = tree.objects();
    if (objects.length === 0) return undefined;
    const { object, path } = rng.pick(objects);
    const key = rng.pick(["__proto__", "constructor", "prototype"]);
    const value = rng.pick<Json>([
      { polluted: true },
      { isAdmin: true },
      "x",
      null,
      { toString: "x" },
    ]);
    insertEntry(
      object,
      tree.raw(JSON.stringify(key)),
      value,
      rng.int(Object.keys(object).length + 1),
    );
    return `${key} key in ${shortPath(path)}`;
  },
  hugeString(rng, tree) {
    const slot = rng.pick(tree.slots());
    const length = rng.pick(HUGE_LENGTHS);
    const unit = rng.pick(["A", "é", "😀", "\\"]);
    set(slot, unit.repeat(Math.ceil(length / unit.length)).slice(0, length));
    return `hugeString ${shortPath(slot.path)} ${length}×${JSON.stringify(unit)}`;
  },
  deepNesting(rng, tree) {
    const slot = rng.pick(tree.slots());
    const depth = rng.pick(DEPTHS);
    const text = rng.chance(0.5)
      ? `${"[".repeat(depth)}${"]".repeat(depth)}`
      : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    set(slot, tree.raw(text));
    return `deepNesting ${shortPath(slot.path)} depth ${depth}`;
  },
  numberAtLimit(rng, tree) {
    const slot = rng.pick(tree.slots());
    const text = rng.pick(NUMBER_TEXTS);
    set(slot, rng.chance(0.7) ? tree.raw(text) : text);
    return `number ${shortPath(slot.path)}=${text}`;
  },
  unicode(rng, tree) {
    const bit = rng.pick(UNICODE_BITS);
    const strings = stringSlots(tree);
    if (strings.length > 0 && rng.chance(0.7)) {
      const slot = rng.pick(strings);
      const text = get(slot) as string;
      const at = rng.int(text.length + 1);
      set(slot, text.slice(0, at) + bit + text.slice(at));
      return `unicode ${JSON.stringify(bit)} in ${shortPath(slot.path)}`;
    }
    const objects = tree.objects();
    if (objects.length === 0) return undefined;
    const { object, path } = rng.pick(objects);
    const key = rng.pick(Object.keys(object).length > 0 ? Object.keys(object) : ["k"]);
    const value = object[key] ?? null;
    delete object[key];
    insertEntry(object, tree.raw(JSON.stringify(key + bit)), value, 0);
    return `unicode ${JSON.stringify(bit)} in key ${shortPath(path ? `${path}.${key}` : key)}`;
  },
  editString(rng, tree) {
    const strings = stringSlots(tree);
    if (strings.length === 0) return undefined;
    const slot = rng.pick(strings);
    const text = get(slot) as string;
    const edits: Array<[string, () => string]> = [
      ["upper", () => text.toUpperCase()],
      ["lower", () => text.toLowerCase()],
      ["cut", () => text.slice(0, rng.int(text.length + 1))],
      [
        "insert",
        () => {
          const at = rng.int(text.length + 1);
          return (
            text.slice(0, at) +
            rng.pick(["/", "//", "/..", "%2F", " ", "?", "#", "*", ":", "\t"]) +
            text.slice(at)
          );
        },
      ],
      ["scaleSet", () => text.replace(/virtualMachines/i, "virtualMachineScaleSets")],
      ["child", () => `${text}/extensions/x`],
      ["trailingSlash", () => `${text}/`],
      ["absolute", () => `https://management.azure.com${text}`],
      ["empty", () => ""],
    ];
    const [name, edit] = rng.pick(edits);
    set(slot, edit());
    return `editString ${name} ${shortPath(slot.path)}`;
  },
  captureOverride(rng, tree) {
    const bags = tree.objects().filter(({ path }) => /(customProperties|properties)$/.test(path));
    const root = tree.slots().find((slot) => slot.path === "root");
    const rootValue = root ? get(root) : null;
    const object =
      bags.length > 0
        ? rng.pick(bags).object
        : rootValue !== null && typeof rootValue === "object" && !Array.isArray(rootValue)
          ? rootValue
          : undefined;
    if (!object) return undefined;
    const key = rng.pick(Object.keys(OVERRIDE_VALUES));
    const spelled = rng.chance(0.2) ? key.toUpperCase() : key;
    const value = rng.pick(OVERRIDE_VALUES[key] ?? [null]);
    object[spelled] = value;
    return `override ${spelled}=${JSON.stringify(value)?.slice(0, 40)}`;
  },
};

type TextMutation = (rng: Prng, text: string) => [string, Buffer];

const textMutations: Record<string, TextMutation> = {
  truncate: (rng, text) => {
    const at = rng.int(text.length);
    return [`truncate at ${at}`, Buffer.from(text.slice(0, at))];
  },
  flipBytes: (rng, text) => {
    const bytes = Buffer.from(text);
    const flips = 1 + rng.int(8);
    for (let i = 0; i < flips && bytes.length > 0; i++) {
      const at = rng.int(bytes.length);
      bytes[at] = (bytes[at] ?? 0) ^ (1 + rng.int(255));
    }
    return [`flip ${flips} byte(s)`, bytes];
  },
  garbageAround: (rng, text) => {
    const garbage = rng.pick(GARBAGE);
    return rng.chance(0.5)
      ? [`prefix ${JSON.stringify(garbage)}`, Buffer.from(garbage + text)]
      : [`suffix ${JSON.stringify(garbage)}`, Buffer.from(text + garbage)];
  },
  utf16: (_rng, text) => ["utf-16le body", Buffer.from(text, "utf16le")],
};

export function fuzzCase(runSeed: number, index: number, seeds: readonly Seed[]): FuzzCase {
  const rng = Prng.forCase(runSeed, index);
  const seed = rng.pick(seeds);
  const mutations: string[] = [];
  let body: Buffer;
  const whole = rng.next();
  if (whole < 0.03) {
    const text = rng.pick(WHOLE_BODIES);
    mutations.push(`whole body ${JSON.stringify(text)}`);
    body = Buffer.from(text);
  } else if (whole < 0.06) {
    body = rng.bytes(rng.int(2048));
    mutations.push(`${body.length} random bytes`);
  } else {
    const tree = new EditableTree(seed.body as Json);
    const names = Object.keys(treeMutations);
    for (let round = 1 + rng.int(3), tries = 0; round > 0 && tries < 10; tries++) {
      const done = treeMutations[rng.pick(names)]?.(rng, tree);
      if (done) {
        mutations.push(done);
        round--;
      }
    }
    let text = tree.render();
    if (rng.chance(0.06)) {
      const size = rng.pick(OVERSIZE);
      text = text + " ".repeat(Math.max(0, size - Buffer.byteLength(text)));
      mutations.push(`padded to ${Buffer.byteLength(text)} bytes`);
    }
    body = Buffer.from(text);
    if (rng.chance(0.25)) {
      const name = rng.pick(Object.keys(textMutations));
      const [described, damaged] = (textMutations[name] as TextMutation)(rng, text);
      mutations.push(described);
      body = damaged;
    }
  }
  const headers: Record<string, string> = {};
  const contentType = rng.chance(0.8) ? "application/json" : rng.pick(CONTENT_TYPES);
  if (contentType !== undefined) headers["content-type"] = contentType;
  if (contentType !== "application/json")
    mutations.push(
      `content-type ${contentType === undefined ? "absent" : JSON.stringify(contentType.slice(0, 40))}`,
    );
  const chunked = rng.chance(0.15);
  if (chunked) mutations.push("chunked");
  return { index, seed: seed.name, mutations, body, headers, chunked };
}
