import { get } from "node:http";
import { connect, type Socket } from "node:net";
import { describe, expect, test } from "vitest";
import { useBot } from "./kit/harness.js";
import { until } from "./kit/wait.js";

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Resolves with what the server sent before it closed the connection; rejects if it is still open after `ms`. */
function closedByServer(socket: Socket, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = "";
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
    });
    socket.on("error", () => {});
    const timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

/** A request on a fresh connection (no keep-alive pool), as a new client would make. */
function freshGet(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    }).on("error", reject);
  });
}

const portOf = (baseUrl: string) => Number(new URL(baseUrl).port);

describe("slow clients", () => {
  const h = useBot({
    env: { COO_HTTP_HEADERS_TIMEOUT_MS: "1000", COO_HTTP_REQUEST_TIMEOUT_MS: "2000" },
  });

  test("connections that send their headers a byte at a time (or nothing) are closed once the headers time out", async () => {
    const port = portOf(h.bot.baseUrl);
    const sockets = await Promise.all(Array.from({ length: 200 }, () => open(port)));
    const closed = sockets.map((s) => closedByServer(s, 6000));
    // One says nothing at all; the rest drip.
    const dripping = sockets.slice(1);
    for (const s of dripping) s.write("POST /slack/events HTTP/1.1\r\nHost: coo\r\nX-Drip: ");
    const drip = setInterval(() => {
      for (const s of dripping) if (!s.destroyed) s.write("a");
    }, 100);
    try {
      const answers = await Promise.all(closed);
      expect(answers.filter((a) => a.startsWith("HTTP/1.1 408 Request Timeout"))).toHaveLength(
        sockets.length,
      );
    } finally {
      clearInterval(drip);
      for (const s of sockets) s.destroy();
    }
    expect(await freshGet(port, "/healthz")).toBe(200);
  });

  test("a request whose body arrives a byte at a time is cut off at the request timeout", async () => {
    const port = portOf(h.bot.baseUrl);
    const socket = await open(port);
    const closed = closedByServer(socket, 6000);
    socket.write(
      "POST /slack/events HTTP/1.1\r\nHost: coo\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{",
    );
    const drip = setInterval(() => {
      if (!socket.destroyed) socket.write(" ");
    }, 100);
    try {
      await closed;
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
    // A round trip lets the server finish with the cut-off request; that is not a failure of ours.
    expect(await freshGet(port, "/healthz")).toBe(200);
    expect(h.bot.logs.filter((l) => l.level === "error")).toEqual([]);
  });
});

describe("too many connections", () => {
  const h = useBot({ env: { COO_HTTP_MAX_CONNECTIONS: "5", COO_HTTP_KEEPALIVE_TIMEOUT_MS: "30000" } });

  test("past the connection cap new connections are closed at once; once some go, requests work again", async () => {
    const port = portOf(h.bot.baseUrl);
    // Five kept-alive connections, each answered once, so the server surely holds all five.
    const held = await Promise.all(Array.from({ length: 5 }, () => open(port)));
    await Promise.all(
      held.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.once("data", () => resolve());
            s.write("GET /healthz HTTP/1.1\r\nHost: coo\r\n\r\n");
          }),
      ),
    );
    const sixth = await open(port);
    expect(await closedByServer(sixth, 2000)).toBe("");
    for (const s of held) s.destroy();
    let status = 0;
    await until(async () => {
      status = await freshGet(port, "/healthz").catch(() => 0);
      return status === 200;
    }, 3000);
    expect(status).toBe(200);
    const metrics = await (await fetch(`${h.bot.baseUrl}/metrics`)).text();
    // The sixth, and any try above that came before the server saw the five go.
    expect(metrics).toMatch(/^coo_http_connections_dropped_total [1-9]\d*$/m);
  });
});
