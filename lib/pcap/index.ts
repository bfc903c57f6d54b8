export { summarizeStream } from "./summarize";
export type * from "./types";
