import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { HttpLimits } from "../config.js";

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
/** Keyed by "METHOD /path", or "METHOD /prefix/*" for every path under a prefix. */
export type Routes = Record<string, Handler>;

/** The route for a request: its exact path, else the longest "/prefix/*" it falls under. */
export function routeFor(routes: Routes, method: string | undefined, path: string): string | undefined {
  const exact = `${method} ${path}`;
  if (routes[exact]) return exact;
  let best: string | undefined;
  for (const key of Object.keys(routes)) {
    if (!key.endsWith("/*") || !key.startsWith(`${method} `)) continue;
    const prefix = key.slice(method?.length ? method.length + 1 : 0, -1);
    if (path.startsWith(prefix) && (!best || key.length > best.length)) best = key;
  }
  return best;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * Node's defaults let a client hold a connection for minutes by sending its
 * headers a byte at a time (headers 60 s, whole request 300 s, checked every
 * 30 s) and take any number of connections.
 */
export const defaultLimits: Omit<HttpLimits, "maxInFlight"> = {
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1000,
};

export function routedServer(
  routes: Routes,
  onError: (error: unknown) => void,
  onResponse?: (route: string, status: number) => void,
  limits: Omit<HttpLimits, "maxInFlight"> = defaultLimits,
): Server {
  const server = createServer(serverOptions(limits), (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const route = routeFor(routes, req.method, path);
    const handler = route ? routes[route] : undefined;
    if (onResponse) res.on("finish", () => onResponse(route ?? "unknown", res.statusCode));
    if (!handler) {
      sendJson(res, 404, { error: "not_found" });
      return;
    }
    handler(req, res).catch((error: unknown) => {
      // The client went away mid-request, or was cut off at a timeout: nothing of ours failed.
      if (req.destroyed && (error as { code?: unknown }).code === "ECONNRESET") return;
      onError(error);
      if (!res.headersSent) sendJson(res, 500, { error: "internal_error" });
      else res.end();
    });
  });
  // Past the cap Node closes each new connection as it arrives.
  server.maxConnections = limits.maxConnections;
  return server;
}

/** Timeouts are only looked at every `connectionsCheckingInterval`: check often enough that they hold. */
function serverOptions(limits: Omit<HttpLimits, "maxInFlight">) {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

export async function listen(server: Server, port: number, host?: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function close(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limitBytes) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
