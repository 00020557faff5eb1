/**
 * Failures a user can do something about. The message is shown to them as is;
 * anything else that reaches the error handler is logged and answered with a
 * generic apology and a reference id.
 */
export type ErrorCode = "bad_input" | "not_found" | "forbidden" | "conflict" | "unavailable";

export class CooError extends Error {
  override name = "CooError";
  constructor(
    readonly code: ErrorCode,
    /** Shown to the user: what went wrong and what to type instead. */
    readonly userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${userMessage}`, options);
  }
}

export const badInput = (message: string) => new CooError("bad_input", message);
export const notFound = (message: string) => new CooError("not_found", message);
export const forbidden = (message: string) => new CooError("forbidden", message);
