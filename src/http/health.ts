import type { Database } from "../db/open.js";
import { type Handler, sendJson } from "./server.js";

/** 200 when the database answers a query, 503 when it does not. */
export function healthz(database: Database): Handler {
  return async (_req, res) => {
    const up = await database.ping();
    sendJson(res, up ? 200 : 503, { status: up ? "ok" : "unavailable", database: up ? "up" : "down" });
  };
}
