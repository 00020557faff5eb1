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

/**
 * Postgres being away, told apart from every other failure. The shapes are
 * the ones pg, pg-pool and Prisma's pg adapter produce (provoked through a
 * refusing and a black-holing proxy in test/postgres-outage.test.ts):
 *
 * - `unreachable`: no connection was had, so the statement never left:
 *   refused, unknown host, connect timeout, no free connection in time,
 *   too many connections, the server starting up or shutting down.
 * - `lost`: the statement was sent and no answer came back (the connection
 *   broke, or the client gave up waiting): it may have been applied.
 * - `slow`: Postgres cancelled it at `statement_timeout` (rolled back).
 */
export type DatabaseFailure = "unreachable" | "lost" | "slow";

const byCode: Record<string, DatabaseFailure> = {
  // Node's socket errors, as pg reports them.
  ECONNREFUSED: "unreachable",
  ENOTFOUND: "unreachable",
  EAI_AGAIN: "unreachable",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
  ECONNRESET: "lost",
  EPIPE: "lost",
  ETIMEDOUT: "lost",
  // Postgres's own (SQLSTATE).
  "57014": "slow",
  "57P01": "lost",
  "57P02": "lost",
  "57P03": "unreachable",
  "53300": "unreachable",
  "08000": "lost",
  "08001": "unreachable",
  "08003": "lost",
  "08004": "unreachable",
  "08006": "lost",
  // Prisma's, when its adapter recognised the failure.
  P1001: "unreachable",
  P1008: "lost",
  P1017: "lost",
  P2037: "unreachable",
};

/** Prisma's pg adapter names the failure in `kind`. */
const byKind: Record<string, DatabaseFailure> = {
  DatabaseNotReachable: "unreachable",
  TooManyConnections: "unreachable",
  ConnectionClosed: "lost",
  SocketTimeout: "lost",
};

/** pg and pg-pool say these in words only. */
const byMessage: Array<[RegExp, DatabaseFailure]> = [
  [/^timeout exceeded when trying to connect/, "unreachable"],
  [/^Connection terminated due to connection timeout/, "unreachable"],
  [/^Query read timeout/, "lost"],
  [/^Connection terminated/, "lost"],
  [/^Client has encountered a connection error and is not queryable/, "lost"],
];

type Layer = {
  code?: unknown;
  originalCode?: unknown;
  kind?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: unknown };
  cause?: unknown;
};

/** What kind of database outage `error` is, or undefined when it is not one. */
export function databaseFailure(error: unknown): DatabaseFailure | undefined {
  let layer = error as Layer | undefined;
  // The outermost layer that says something wins: pg wraps "connection timeout" around "terminated unexpectedly".
  for (let depth = 0; depth < 6 && layer && typeof layer === "object"; depth++) {
    const found =
      (typeof layer.kind === "string" ? byKind[layer.kind] : undefined) ??
      (typeof layer.originalCode === "string" ? byCode[layer.originalCode] : undefined) ??
      (typeof layer.code === "string" ? byCode[layer.code] : undefined) ??
      (typeof layer.message === "string"
        ? byMessage.find(([pattern]) => pattern.test(layer?.message as string))?.[1]
        : undefined);
    if (found) return found;
    layer = (layer.meta?.driverAdapterError ?? layer.cause) as Layer | undefined;
  }
  return undefined;
}
