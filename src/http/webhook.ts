import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLargeError, readBody, sendJson } from "./server.js";

/*
 * What every signed webhook coo takes (GitHub, Linear) does before its own
 * signature check: read the raw body up to a limit, read a header, and read
 * the body as one JSON object. Each sender's route keeps its own checks.
 */

/** The raw body, or undefined after answering 413 when it is over `limitBytes`. */
export async function webhookBody(
  req: IncomingMessage,
  res: ServerResponse,
  limitBytes: number,
): Promise<Buffer | undefined> {
  try {
    return await readBody(req, limitBytes);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    sendJson(res, 413, { error: "payload_too_large" });
    return undefined;
  }
}

/** A header's first value, trimmed; undefined when missing or blank. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const one = Array.isArray(value) ? value[0] : value;
  return one?.trim() ? one.trim() : undefined;
}

/** The body as a JSON object; undefined for anything else (an array, a string, not JSON). */
export function jsonObject(raw: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
