// The handoffs feature's public text for other features (decision 0020);
// its own move onto use cases brings the rest of its Block Kit here.
export { handoffLine } from "./ledger.js";
