export { highlights } from "./highlights";
export { renderMarkdown } from "./markdown";
export { summarizeStream } from "./summarize";
export type * from "./types";
