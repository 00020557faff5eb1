import { createServer, type Server, Socket } from "node:net";

/**
 * A TCP proxy in front of a server (Postgres in the tests) that can fail the
 * three ways a network does:
 * - `pass()`: forwards both ways;
 * - `refuse()`: stops listening (new connections get ECONNREFUSED) and resets
 *   every open one, as a server that went down;
 * - `blackHole()`: keeps accepting but forwards nothing either way, on open
 *   connections too, as a network partition. Bytes wait, as TCP's would, and
 *   flow again after `pass()`.
 */
export class TcpProxy {
  private mode: "pass" | "refuse" | "blackhole" = "pass";
  private readonly pairs = new Set<Pair>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {
    server.on("connection", (client) => this.accept(client));
  }

  static async start(target: { host?: string; port: number }): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    return new TcpProxy(server, port, { host: target.host ?? "127.0.0.1", port: target.port });
  }

  /** The same URL with its host and port pointing at this proxy. */
  urlFor(url: string): string {
    const u = new URL(url);
    u.hostname = "127.0.0.1";
    u.port = String(this.port);
    return u.toString();
  }

  async refuse(): Promise<void> {
    this.mode = "refuse";
    for (const pair of this.pairs) pair.close(true);
    await new Promise<void>((resolve) =>
      this.server.listening ? this.server.close(() => resolve()) : resolve(),
    );
  }

  async blackHole(): Promise<void> {
    await this.listenAgain();
    this.mode = "blackhole";
    for (const pair of this.pairs) pair.hold();
  }

  async pass(): Promise<void> {
    await this.listenAgain();
    this.mode = "pass";
    for (const pair of this.pairs) pair.forward(this.target);
  }

  /** Down (refusing) for `downMs`, then up again: what a database restart looks like from outside. */
  async restart(downMs: number): Promise<void> {
    await this.refuse();
    await new Promise((r) => setTimeout(r, downMs));
    await this.pass();
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) pair.close(false);
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** After refuse(): listen on the same port again. */
  private async listenAgain(): Promise<void> {
    if (this.server.listening) return;
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.port, "127.0.0.1", () => {
        this.server.off("error", reject);
        resolve();
      });
    });
  }

  private accept(client: Socket): void {
    const pair = new Pair(client, () => this.pairs.delete(pair));
    this.pairs.add(pair);
    if (this.mode === "pass") pair.forward(this.target);
    else pair.hold();
  }
}

/** One client connection and, once it is forwarded, its upstream connection. */
class Pair {
  private upstream: Socket | undefined;

  constructor(
    private readonly client: Socket,
    private readonly onClose: () => void,
  ) {
    client.pause();
    client.on("error", () => {});
    client.on("close", () => this.close(false));
  }

  forward(target: { host: string; port: number }): void {
    if (!this.upstream) {
      const upstream = new Socket();
      this.upstream = upstream;
      upstream.on("error", () => {});
      upstream.on("close", () => this.close(false));
      // Written by hand rather than piped: pipe() resumes a source on 'drain', which would undo hold().
      upstream.on("data", (chunk) => this.client.write(chunk));
      this.client.on("data", (chunk) => upstream.write(chunk));
      upstream.connect(target.port, target.host);
    }
    this.client.resume();
    this.upstream.resume();
  }

  hold(): void {
    this.client.pause();
    this.upstream?.pause();
  }

  close(reset: boolean): void {
    for (const socket of [this.client, this.upstream]) {
      if (!socket || socket.destroyed) continue;
      if (reset) socket.resetAndDestroy();
      else socket.destroy();
    }
    this.onClose();
  }
}
