/*
 * What the blockers feature shows, for other features to present its rows
 * (docs/decisions/0020-use-cases-and-grammar.md).
 */

export { blockerLine } from "./register.js";
