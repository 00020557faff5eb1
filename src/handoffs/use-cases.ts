/*
 * The handoffs feature's operations, for other features
 * (docs/decisions/0020-use-cases-and-grammar.md).
 */

export { sweepHandoffs } from "./escalate.js";
