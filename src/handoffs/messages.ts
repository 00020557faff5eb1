/*
 * What the handoffs feature shows, for other features to present its rows
 * (docs/decisions/0020-use-cases-and-grammar.md).
 */

export { proposal } from "./register.js";
