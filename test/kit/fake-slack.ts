import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

export type SlackCall = {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  at: number;
};
export type Failure =
  | { status: 429; retryAfter: number }
  | { status: 500 | 502 | 503 }
  | { ok: false; error: string };
type Answer = (args: Record<string, unknown>) => Record<string, unknown>;

export type FakeUser = {
  id: string;
  name?: string;
  tz?: string;
  is_admin?: boolean;
  is_owner?: boolean;
  is_bot?: boolean;
  /** Deactivated */
  deleted?: boolean;
  /** A multi-channel guest */
  is_restricted?: boolean;
  /** The user's own workspace; default: the workspace of the token that asks. */
  team_id?: string;
  /** Visible to other workspaces' bots (a Slack Connect partner); otherwise only to its own team's. */
  connected?: boolean;
  /** The Enterprise Grid organisation the user's team belongs to. */
  enterprise_id?: string;
};

const jsonFields = new Set(["blocks", "attachments", "view", "metadata"]);

async function readArgs(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  if (raw === "") return {};
  if ((req.headers["content-type"] ?? "").includes("application/json")) return JSON.parse(raw);
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = jsonFields.has(key) ? JSON.parse(value) : value;
  }
  return args;
}

/**
 * A Slack Web API at the network edge: answers the methods coo uses, records
 * every call (and every response_url post, as method "response_url"), and can
 * be told to fail.
 */
export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly users = new Map<string, FakeUser>();
  /** The workspace the bot token belongs to (auth.test's team_id). */
  teamId = "T1";
  private readonly answers = new Map<string, Answer>();
  private readonly failures = new Map<string, Failure[]>();
  /** Slack's own pacing, when asked for: at most one message per `ms` per channel, else 429. */
  channelRateMs = 0;
  /** The chance that any chat.postMessage is answered 429 anyway. */
  randomRateLimit = 0;
  private readonly lastPost = new Map<string, number>();
  /** Posts refused per channel because they came within `channelRateMs` of the last one. */
  readonly tooSoon = new Map<string, number>();
  /** Posts refused per channel by `randomRateLimit`, which no sender could avoid. */
  readonly refusedAnyway = new Map<string, number>();
  private readonly delays: Array<{
    method: string;
    ms: number;
    match: (args: Record<string, unknown>) => boolean;
  }> = [];
  private nextTs = 1_700_000_000;
  /** What was posted to each channel, for conversations.history. */
  readonly history = new Map<
    string,
    Array<{ ts: string; text: unknown; metadata?: unknown; thread_ts?: unknown }>
  >();
  private waiters: Array<() => void> = [];
  private socketServer: WebSocketServer | undefined;
  private socket: WebSocket | undefined;
  private readonly pendingAcks = new Map<string, (payload: unknown) => void>();
  private envelopes = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<FakeSlack> {
    let fake: FakeSlack | undefined;
    const server = createServer((req, res) => {
      void fake?.handle(req).then(({ status, headers, body }) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    fake = new FakeSlack(server, (server.address() as AddressInfo).port);
    return fake;
  }

  /** Base URL for SLACK_API_URL. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  responseUrl(id = "r1"): string {
    return `http://127.0.0.1:${this.port}/respond/${id}`;
  }

  /** Override the answer of one method. */
  on(method: string, answer: Answer): void {
    this.answers.set(method, answer);
  }

  /** Calls to `method` matching `match` are answered after `ms` (what they do happens at once). */
  delay(method: string, ms: number, match: (args: Record<string, unknown>) => boolean = () => true): void {
    this.delays.push({ method, ms, match });
  }

  /** Forgets every delay set with `delay`. */
  clearDelays(): void {
    this.delays.length = 0;
  }

  /** The next call(s) to `method` fail this way, then it answers normally again. */
  failNext(method: string, failure: Failure, times = 1): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...Array(times).fill(failure)]);
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves with the first matching call, waiting for it if needed. */
  async waitFor(
    method: string,
    match: (call: SlackCall) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<SlackCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.calls.find((c) => c.method === method && match(c));
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.calls.map((c) => c.method).join(", ") || "none";
        throw new Error(`no ${method} call within ${timeoutMs} ms (calls seen: ${seen})`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /**
   * Socket Mode: `apps.connections.open` hands out a ws:// URL on which this
   * fake says hello and then delivers envelopes.
   */
  async startSocketMode(): Promise<void> {
    const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    this.socketServer = server;
    server.on("connection", (ws) => {
      this.socket = ws;
      ws.on("message", (data) => {
        const ack = JSON.parse(String(data)) as { envelope_id: string; payload?: unknown };
        this.pendingAcks.get(ack.envelope_id)?.(ack.payload);
        this.pendingAcks.delete(ack.envelope_id);
      });
      ws.send(
        JSON.stringify({
          type: "hello",
          num_connections: 1,
          connection_info: { app_id: "A1" },
          debug_info: {},
        }),
      );
    });
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    this.on("apps.connections.open", () => ({ ok: true, url }));
  }

  /** Sends one envelope over the socket; resolves with the app's ack payload. */
  async sendEnvelope(
    type: "slash_commands" | "events_api" | "interactive",
    payload: unknown,
  ): Promise<unknown> {
    const deadline = Date.now() + 10_000;
    while (!this.socket && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (!this.socket) throw new Error("the app never opened a Socket Mode connection");
    const envelopeId = `env-${++this.envelopes}`;
    const acked = new Promise<unknown>((resolve) => this.pendingAcks.set(envelopeId, resolve));
    this.socket.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: type !== "events_api",
      }),
    );
    return acked;
  }

  reset(): void {
    this.calls.length = 0;
    this.failures.clear();
    this.tooSoon.clear();
    this.refusedAnyway.clear();
  }

  async stop(): Promise<void> {
    this.socket?.terminate();
    this.socketServer?.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private record(call: SlackCall): void {
    this.calls.push(call);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private async handle(
    req: IncomingMessage,
  ): Promise<{ status: number; headers?: Record<string, string>; body: unknown }> {
    const path = (req.url ?? "").split("?")[0] ?? "";
    const args = await readArgs(req);
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "") || undefined;
    if (path.startsWith("/respond/")) {
      this.record({ method: "response_url", args: { ...args, id: path.slice(9) }, token, at: Date.now() });
      return { status: 200, body: { ok: true } };
    }
    const method = path.replace(/^\/api\//, "");
    this.record({ method, args, token, at: Date.now() });
    if (method === "chat.postMessage" && (this.channelRateMs > 0 || this.randomRateLimit > 0)) {
      const channel = String(args.channel);
      const last = this.lastPost.get(channel) ?? 0;
      const tooSoon = Date.now() - last < this.channelRateMs;
      if (tooSoon || Math.random() < this.randomRateLimit) {
        const counts = tooSoon ? this.tooSoon : this.refusedAnyway;
        counts.set(channel, (counts.get(channel) ?? 0) + 1);
        return { status: 429, headers: { "retry-after": "1" }, body: { ok: false, error: "ratelimited" } };
      }
      this.lastPost.set(channel, Date.now());
    }
    // Slack's own limits on Block Kit: 50 blocks in a message, 100 in a view.
    const blockLimit = method.startsWith("views.") ? 100 : 50;
    const blocks = method.startsWith("views.")
      ? (args.view as { blocks?: unknown[] } | undefined)?.blocks
      : (args.blocks as unknown[] | undefined);
    if (Array.isArray(blocks) && blocks.length > blockLimit)
      return { status: 200, body: { ok: false, error: "invalid_blocks" } };
    const failure = this.failures.get(method)?.shift();
    if (failure) {
      if ("status" in failure && failure.status === 429) {
        return {
          status: 429,
          headers: { "retry-after": String(failure.retryAfter) },
          body: { ok: false, error: "ratelimited" },
        };
      }
      if ("status" in failure)
        return { status: failure.status, body: { ok: false, error: "internal_error" } };
      return { status: 200, body: failure };
    }
    const custom = this.answers.get(method);
    const body = custom ? custom(args) : this.defaultAnswer(method, args, token);
    const slow = this.delays.find((d) => d.method === method && d.match(args));
    if (slow) await new Promise((r) => setTimeout(r, slow.ms));
    return { status: 200, body };
  }

  /** The workspace a bot token belongs to: OAuth installs here get `xoxb-<team>-token`. */
  private teamOfToken(token: string | undefined): string {
    return /^xoxb-([A-Z0-9]+)-token$/.exec(token ?? "")?.[1] ?? this.teamId;
  }

  private defaultAnswer(
    method: string,
    args: Record<string, unknown>,
    token: string | undefined,
  ): Record<string, unknown> {
    const ts = () => `${this.nextTs++}.000100`;
    switch (method) {
      case "auth.test":
        return {
          ok: true,
          url: "https://acme.slack.com/",
          team: "Acme",
          user: "coo",
          team_id: this.teamId,
          user_id: "UCOO",
          bot_id: "BCOO",
        };
      case "chat.postMessage": {
        const messageTs = ts();
        const channel = String(args.channel);
        this.history.set(channel, [
          { ts: messageTs, text: args.text, metadata: args.metadata, thread_ts: args.thread_ts },
          ...(this.history.get(channel) ?? []),
        ]);
        return {
          ok: true,
          channel: args.channel,
          ts: messageTs,
          message: { text: args.text, ts: messageTs },
        };
      }
      case "chat.postEphemeral":
        return { ok: true, message_ts: ts() };
      case "chat.update":
        return { ok: true, channel: args.channel, ts: args.ts };
      case "chat.getPermalink":
        return {
          ok: true,
          permalink: `https://acme.slack.com/archives/${args.channel}/p${String(args.message_ts).replace(".", "")}`,
        };
      case "conversations.open":
        return { ok: true, channel: { id: `D${String(args.users).split(",")[0]}` } };
      case "api.test":
        return { ok: true };
      case "oauth.v2.access": {
        // The test's "code" names the team that is installing; an "E..." code
        // installs org-wide on that Enterprise Grid organisation.
        const team = String(args.code);
        if (team.startsWith("E")) {
          return {
            ok: true,
            access_token: `xoxb-${team}-token`,
            token_type: "bot",
            scope: "commands,chat:write",
            bot_user_id: "UCOO",
            app_id: "A1",
            team: null,
            enterprise: { id: team, name: `Org ${team}` },
            is_enterprise_install: true,
            authed_user: { id: `UADMIN${team}` },
          };
        }
        return {
          ok: true,
          access_token: `xoxb-${team}-token`,
          token_type: "bot",
          scope: "commands,chat:write",
          bot_user_id: "UCOO",
          app_id: "A1",
          team: { id: team, name: `Team ${team}` },
          enterprise: null,
          is_enterprise_install: false,
          authed_user: { id: `UADMIN${team}` },
        };
      }
      case "conversations.history":
        return { ok: true, messages: this.history.get(String(args.channel)) ?? [], has_more: false };
      case "conversations.members":
        return { ok: true, members: [...this.users.keys()], response_metadata: { next_cursor: "" } };
      case "users.info": {
        // Slack answers user_not_found for an id it does not know, and for a
        // user of another workspace that shares no channel with this one.
        const id = String(args.user);
        const user = this.users.get(id);
        const askingTeam = this.teamOfToken(token);
        const team = user?.team_id ?? askingTeam;
        const visible = team === askingTeam || user?.enterprise_id === askingTeam || user?.connected;
        if (!user || !visible) return { ok: false, error: "user_not_found" };
        return {
          ok: true,
          user: {
            id,
            team_id: team,
            name: user.name ?? id.toLowerCase(),
            real_name: user.name ?? id,
            deleted: user.deleted ?? false,
            tz: user.tz ?? "UTC",
            is_admin: user.is_admin ?? false,
            is_owner: user.is_owner ?? false,
            is_bot: user.is_bot ?? false,
            is_restricted: user.is_restricted ?? false,
            is_ultra_restricted: false,
            ...(user.enterprise_id
              ? { enterprise_user: { id: id, enterprise_id: user.enterprise_id, teams: [team] } }
              : {}),
          },
        };
      }
      case "views.publish":
      case "views.open":
      case "views.update":
        return { ok: true, view: { id: `V${this.nextTs++}` } };
      default:
        return { ok: false, error: "unknown_method" };
    }
  }
}
