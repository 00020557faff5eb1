/*
 * The cadence feature's operations, for other features
 * (docs/decisions/0020-use-cases-and-grammar.md).
 */

export { type LeftReason, pauseWorkspace, resumeWorkspace } from "./pauses.js";
