// The one place coo loads Bolt's code; types may come from "@slack/bolt" directly.
// Bolt's unused receivers are replaced before Bolt loads (./lazy-receivers.ts):
// this import must stay first, as a module's imports run in their order.
import "./lazy-receivers.js";

export { App, LogLevel } from "@slack/bolt";
