import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import { messageRefusal, viewProblems } from "./block-kit.js";

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
  /** Their status, as users.profile.get shows it (status_expiration: unix seconds, 0 for none). */
  status?: { status_text: string; status_emoji: string; status_expiration: number };
};

/** A channel as Slack keeps it: who is in it, and whether outsiders can see it. */
export type FakeChannel = {
  id: string;
  name: string;
  /** Private channels are invisible (channel_not_found) to a bot that is not in them. */
  private: boolean;
  archived: boolean;
  /** Every member, the bot included when it is in (as conversations.members lists it). */
  members: Set<string>;
};

/** A message as conversations.history and conversations.replies return it. */
export type FakeMessage = {
  ts: string;
  text: unknown;
  metadata?: unknown;
  thread_ts?: unknown;
  user?: string;
  bot_id?: string;
};

/**
 * A file on its way through Slack's upload flow (files.getUploadURLExternal,
 * a POST of the bytes to the URL it returned, files.completeUploadExternal),
 * as Slack's method pages describe it.
 */
export type FakeUpload = {
  id: string;
  filename: string;
  /** The size promised to files.getUploadURLExternal. */
  length: number;
  /** What was POSTed to the upload URL (undefined: nothing yet). */
  bytes?: Buffer;
  /** Set by files.completeUploadExternal: where it was shared. */
  channel?: string;
  title?: string;
  initialComment?: string;
};

/** A payload Slack would have refused for its shape or size: always a bug in coo. */
export type Malformed = { method: string; error: string; problems: string[] };

export const botUserId = "UCOO";

const jsonFields = new Set(["blocks", "attachments", "view", "metadata"]);

/** Slack's cursors are opaque; this one carries the offset of the next page. */
const cursorFor = (offset: number) => Buffer.from(`next:${offset}`).toString("base64");
function offsetOf(cursor: unknown): number | undefined {
  if (cursor === undefined || cursor === "") return 0;
  const match = /^next:(\d+)$/.exec(Buffer.from(String(cursor), "base64").toString("utf8"));
  return match ? Number(match[1]) : undefined;
}

/** One page of `items`, as Slack's cursor pagination hands them out. */
function paginate<T>(
  items: T[],
  args: Record<string, unknown>,
  defaultLimit: number,
  maxLimit: number,
): { page: T[]; next: string } | undefined {
  const offset = offsetOf(args.cursor);
  if (offset === undefined) return undefined;
  const asked = Number(args.limit ?? defaultLimit);
  const limit = Math.min(Number.isFinite(asked) && asked > 0 ? asked : defaultLimit, maxLimit);
  const page = items.slice(offset, offset + limit);
  return { page, next: offset + limit < items.length ? cursorFor(offset + limit) : "" };
}

const tsNumber = (ts: unknown) => Number(ts ?? 0);

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
  /** Files by id, from files.getUploadURLExternal on. */
  readonly uploads = new Map<string, FakeUpload>();
  private fileIds = 0;
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
  /** Message ts values go up from the real clock, as Slack's do (`oldest` filters on them). */
  private lastTs = 0;
  private views = 0;
  /** What was posted to each conversation, newest first: parents and thread replies alike. */
  readonly history = new Map<string, FakeMessage[]>();
  /** Channels by id. Anything else (a `D…` DM, a user id) is a DM, always open to the bot. */
  readonly channels = new Map<string, FakeChannel>();
  /** Payloads refused for their shape or size (the harness fails a test that sent one). */
  readonly malformed: Malformed[] = [];
  /** Channel ids coo used that no test declared (the harness fails the test: declare them). */
  readonly undeclared = new Set<string>();
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

  /**
   * Declares a channel (or redeclares it): public unless `private`, with these
   * members, and the bot in it unless `coo: false`.
   */
  channel(
    id: string,
    options: { name?: string; private?: boolean; archived?: boolean; members?: string[]; coo?: boolean } = {},
  ): FakeChannel {
    const members = new Set(options.members ?? []);
    if (options.coo ?? true) members.add(botUserId);
    const channel = {
      id,
      name: options.name ?? id.toLowerCase(),
      private: options.private ?? false,
      archived: options.archived ?? false,
      members,
    };
    this.channels.set(id, channel);
    return channel;
  }

  /** Declares `count` active people (ids `${prefix}0`, `${prefix}1`, ...) and returns their ids. */
  crowd(count: number, prefix = "UP", tz = "UTC"): string[] {
    const ids = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
    for (const id of ids) this.users.set(id, { id, name: id.toLowerCase(), tz });
    return ids;
  }

  /** A message already in a conversation (one posted by a process that then died, say). */
  remember(channel: string, message: Omit<FakeMessage, "ts"> & { ts?: string }): FakeMessage {
    const stored = { user: botUserId, bot_id: "BCOO", ...message, ts: message.ts ?? this.ts() };
    const list = [...(this.history.get(channel) ?? []), stored];
    this.history.set(
      channel,
      list.sort((a, b) => tsNumber(b.ts) - tsNumber(a.ts)),
    );
    return stored;
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
    this.malformed.length = 0;
    this.undeclared.clear();
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
    if (path.startsWith("/upload/v1/")) return this.receiveUpload(req, path.slice("/upload/v1/".length));
    const args = await readArgs(req);
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "") || undefined;
    if (path.startsWith("/respond/")) {
      this.record({ method: "response_url", args: { ...args, id: path.slice(9) }, token, at: Date.now() });
      // A response_url answers like an incoming webhook: HTTP 400 with the reason.
      const refusal = messageRefusal(args);
      if (refusal) {
        this.malformed.push({ method: "response_url", ...refusal });
        return { status: 400, body: { ok: false, error: refusal.error } };
      }
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
    // Slack checks a payload's shape and size before anything else.
    const refusal = this.payloadRefusal(method, args);
    if (refusal) {
      this.malformed.push({ method, ...refusal });
      const messages = refusal.problems.map((p) => `[ERROR] ${p}`);
      return { status: 200, body: { ok: false, error: refusal.error, response_metadata: { messages } } };
    }
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

  /**
   * What the app answered in an HTTP response: Slack reads a command's reply
   * and a modal's `update` or `push` just as it reads the Web API's, and
   * refuses the same things (the person sees an error instead).
   */
  checkAnswer(json: unknown): void {
    if (typeof json !== "object" || json === null) return;
    const answer = json as Record<string, unknown>;
    if (answer.response_action === "update" || answer.response_action === "push") {
      const problems = viewProblems(answer.view);
      if (problems.length)
        this.malformed.push({ method: "view_submission ack", error: "invalid_arguments", problems });
      return;
    }
    if (answer.text === undefined && answer.blocks === undefined) return;
    const refusal = messageRefusal(answer);
    if (refusal) this.malformed.push({ method: "command ack", ...refusal });
  }

  private payloadRefusal(
    method: string,
    args: Record<string, unknown>,
  ): { error: string; problems: string[] } | undefined {
    if (method === "chat.postMessage" || method === "chat.postEphemeral" || method === "chat.update")
      return messageRefusal(args);
    if (method.startsWith("views.")) {
      const problems = viewProblems(args.view);
      return problems.length ? { error: "invalid_arguments", problems } : undefined;
    }
    return undefined;
  }

  /**
   * The upload URL: takes the file's bytes as the raw body or as the first
   * file of a multipart form, and answers 200 "OK - <size>" as Slack's
   * file service does. An unknown or used URL is a 404.
   */
  private async receiveUpload(
    req: IncomingMessage,
    fileId: string,
  ): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const upload = this.uploads.get(fileId);
    this.record({
      method: "upload",
      args: { file_id: fileId, size: raw.length },
      token: undefined,
      at: Date.now(),
    });
    if (req.method !== "POST" || !upload || upload.bytes || upload.channel)
      return { status: 404, body: { ok: false, error: "not_found" } };
    let bytes = raw;
    const type = String(req.headers["content-type"] ?? "");
    if (type.startsWith("multipart/form-data")) {
      const form = await new Response(raw, { headers: { "content-type": type } }).formData();
      const file = [...form.values()].find((v): v is File => typeof v !== "string");
      bytes = file ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0);
    }
    upload.bytes = bytes;
    return { status: 200, body: `OK - ${bytes.length}` };
  }

  /** files.getUploadURLExternal: `filename` and `length` (bytes, a positive whole number) are required. */
  private uploadUrl(args: Record<string, unknown>): Record<string, unknown> {
    const filename = typeof args.filename === "string" ? args.filename : "";
    const length = Number(args.length);
    if (filename === "" || !Number.isInteger(length) || length < 1)
      return {
        ok: false,
        error: "invalid_arguments",
        response_metadata: { messages: ["[ERROR] filename and length are required"] },
      };
    const id = `F${String(++this.fileIds).padStart(8, "0")}`;
    this.uploads.set(id, { id, filename, length });
    return { ok: true, upload_url: `http://127.0.0.1:${this.port}/upload/v1/${id}`, file_id: id };
  }

  /**
   * files.completeUploadExternal: `files` is a JSON array of `{id, title?}`;
   * every file must have been uploaded, with as many bytes as promised, and
   * the channel must be one the bot may post in. Shared, it shows in the
   * channel's history as a message with the file.
   */
  private completeUpload(args: Record<string, unknown>): Record<string, unknown> {
    let files: Array<{ id?: unknown; title?: unknown }>;
    try {
      files = JSON.parse(String(args.files ?? ""));
    } catch {
      return { ok: false, error: "invalid_arguments" };
    }
    if (!Array.isArray(files) || files.length === 0 || files.length > 10)
      return { ok: false, error: "invalid_arguments" };
    const channel = typeof args.channel_id === "string" ? args.channel_id : undefined;
    if (channel) {
      const refused = this.accessError(channel, "member");
      if (refused) return { ok: false, error: refused };
    }
    const found: FakeUpload[] = [];
    for (const f of files) {
      const upload = this.uploads.get(String(f.id));
      if (!upload?.bytes || upload.channel) return { ok: false, error: "file_not_found" };
      if (upload.bytes.length !== upload.length)
        this.malformed.push({
          method: "files.completeUploadExternal",
          error: "invalid_arguments",
          problems: [`${upload.id}: ${upload.bytes.length} bytes uploaded, ${upload.length} promised`],
        });
      found.push(upload);
    }
    for (const [i, upload] of found.entries()) {
      const title = files[i]?.title;
      if (typeof title === "string") upload.title = title;
      if (channel) upload.channel = channel;
      if (typeof args.initial_comment === "string") upload.initialComment = args.initial_comment;
    }
    if (channel)
      this.remember(channel, {
        text: typeof args.initial_comment === "string" ? args.initial_comment : "",
        user: botUserId,
      });
    return {
      ok: true,
      files: found.map((u) => ({ id: u.id, name: u.filename, title: u.title ?? u.filename, size: u.length })),
    };
  }

  /** "1796000001.000100": seconds and microseconds, unique and rising like Slack's. */
  private ts(): string {
    const micros = Math.max(Date.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, "0")}`;
  }

  /**
   * Whether the bot may see (`see`) or read and post in (`member`) a
   * conversation: undefined if it may, else Slack's error. A private channel
   * the bot is not in does not exist as far as the bot can tell.
   */
  private accessError(id: string, need: "see" | "member"): string | undefined {
    if (/^[DUW]/.test(id)) return undefined;
    const channel = this.channels.get(id);
    if (!channel) {
      this.undeclared.add(id);
      return "channel_not_found";
    }
    const member = channel.members.has(botUserId);
    if (channel.private && !member) return "channel_not_found";
    if (need === "member" && !member) return "not_in_channel";
    return undefined;
  }

  private channelInfo(id: string): Record<string, unknown> {
    const channel = this.channels.get(id);
    if (!channel) return { id, is_im: true, is_channel: false, is_private: true, is_member: true };
    return {
      id,
      name: channel.name,
      is_channel: !channel.private,
      is_group: channel.private,
      is_im: false,
      is_mpim: false,
      is_private: channel.private,
      is_archived: channel.archived,
      is_member: channel.members.has(botUserId),
      num_members: channel.members.size,
    };
  }

  /** Messages between `oldest` and `latest` (exclusive unless `inclusive`), as history and replies filter. */
  private within(messages: FakeMessage[], args: Record<string, unknown>): FakeMessage[] {
    const inclusive = args.inclusive === true || args.inclusive === "true" || args.inclusive === "1";
    const oldest = args.oldest === undefined ? undefined : Number(args.oldest);
    const latest = args.latest === undefined ? undefined : Number(args.latest);
    return messages.filter((m) => {
      const at = tsNumber(m.ts);
      if (oldest !== undefined && (inclusive ? at < oldest : at <= oldest)) return false;
      if (latest !== undefined && (inclusive ? at > latest : at >= latest)) return false;
      return true;
    });
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
    const ts = () => this.ts();
    const denied = (error: string) => ({ ok: false, error });
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
        const channel = String(args.channel);
        const refused = this.accessError(channel, "member");
        if (refused) return denied(refused);
        if (this.channels.get(channel)?.archived) return denied("is_archived");
        const posted = this.remember(channel, {
          text: args.text,
          metadata: args.metadata,
          ...(args.thread_ts ? { thread_ts: args.thread_ts } : {}),
        });
        return {
          ok: true,
          channel: args.channel,
          ts: posted.ts,
          message: { text: args.text, ts: posted.ts },
        };
      }
      case "chat.postEphemeral": {
        const channel = String(args.channel);
        const refused = this.accessError(channel, "member");
        if (refused) return denied(refused);
        const members = this.channels.get(channel)?.members;
        if (members && !members.has(String(args.user))) return denied("user_not_in_channel");
        return { ok: true, message_ts: ts() };
      }
      case "chat.update": {
        const channel = String(args.channel);
        const refused = this.accessError(channel, "member");
        if (refused) return denied(refused);
        const message = this.history.get(channel)?.find((m) => m.ts === args.ts);
        if (!message) return denied("message_not_found");
        message.text = args.text;
        return { ok: true, channel: args.channel, ts: args.ts };
      }
      case "chat.getPermalink": {
        const refused = this.accessError(String(args.channel), "see");
        if (refused) return denied(refused);
        return {
          ok: true,
          permalink: `https://acme.slack.com/archives/${args.channel}/p${String(args.message_ts).replace(".", "")}`,
        };
      }
      case "conversations.open": {
        const users = String(args.users ?? "").split(",");
        const unknown = users.find((u) => !this.users.has(u));
        if (unknown) return denied("user_not_found");
        if (users.some((u) => this.users.get(u)?.is_bot)) return denied("cannot_dm_bot");
        return { ok: true, channel: { id: `D${users[0]}` } };
      }
      case "conversations.info": {
        const channel = String(args.channel);
        const refused = this.accessError(channel, "see");
        if (refused) return denied(refused);
        return { ok: true, channel: this.channelInfo(channel) };
      }
      case "conversations.join": {
        const channel = this.channels.get(String(args.channel));
        if (!channel) {
          this.undeclared.add(String(args.channel));
          return denied("channel_not_found");
        }
        if (channel.private) return denied("method_not_supported_for_channel_type");
        if (channel.archived) return denied("is_archived");
        const already = channel.members.has(botUserId);
        channel.members.add(botUserId);
        return {
          ok: true,
          channel: this.channelInfo(channel.id),
          ...(already
            ? { warning: "already_in_channel", response_metadata: { warnings: ["already_in_channel"] } }
            : {}),
        };
      }
      case "api.test":
        return { ok: true };
      case "files.getUploadURLExternal":
        return this.uploadUrl(args);
      case "files.completeUploadExternal":
        return this.completeUpload(args);
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
      case "conversations.history": {
        // Only the channel's own messages: a thread's replies are not here (a
        // broadcast reply would be, and coo posts none).
        const channel = String(args.channel);
        const refused = this.accessError(channel, "member");
        if (refused) return denied(refused);
        const all = this.history.get(channel) ?? [];
        const parents = this.within(all, args).filter((m) => !m.thread_ts || m.thread_ts === m.ts);
        const page = paginate(parents, args, 100, 999);
        if (!page) return denied("invalid_cursor");
        return {
          ok: true,
          messages: page.page.map((m) => {
            const replies = all.filter((r) => r.thread_ts === m.ts && r.ts !== m.ts);
            return replies.length ? { ...m, thread_ts: m.ts, reply_count: replies.length } : m;
          }),
          has_more: page.next !== "",
          response_metadata: { next_cursor: page.next },
        };
      }
      case "conversations.replies": {
        // The thread's parent first, then its replies, oldest first. The fake
        // never sees people's own messages, so a thread under one of them is
        // known only by its replies.
        const channel = String(args.channel);
        const refused = this.accessError(channel, "member");
        if (refused) return denied(refused);
        const all = this.history.get(channel) ?? [];
        const parent = all.find((m) => m.ts === args.ts && (!m.thread_ts || m.thread_ts === m.ts));
        const replies = all.filter((m) => m.thread_ts === args.ts && m.ts !== args.ts).reverse();
        if (!parent && replies.length === 0) return denied("thread_not_found");
        const thread = [
          ...(parent ? [{ ...parent, thread_ts: parent.ts }] : []),
          ...this.within(replies, args),
        ];
        const page = paginate(thread, args, 1000, 1000);
        if (!page) return denied("invalid_cursor");
        return {
          ok: true,
          messages: page.page,
          has_more: page.next !== "",
          response_metadata: { next_cursor: page.next },
        };
      }
      case "conversations.members": {
        const channel = this.channels.get(String(args.channel));
        const refused = this.accessError(String(args.channel), "see");
        if (refused || !channel) return denied(refused ?? "channel_not_found");
        const page = paginate([...channel.members], args, 100, 1000);
        if (!page) return denied("invalid_cursor");
        return { ok: true, members: page.page, response_metadata: { next_cursor: page.next } };
      }
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
      case "users.profile.get": {
        // Shape from https://api.slack.com/methods/users.profile.get: a profile with
        // status_text, status_emoji and status_expiration ("" and 0 when unset).
        const id = String(args.user);
        const user = this.users.get(id);
        if (!user || (user.team_id && user.team_id !== this.teamOfToken(token)))
          return { ok: false, error: "user_not_found" };
        const status = user.status ?? { status_text: "", status_emoji: "", status_expiration: 0 };
        return {
          ok: true,
          profile: {
            real_name: user.name ?? id,
            display_name: user.name ?? id.toLowerCase(),
            ...status,
            status_text_canonical: "",
          },
        };
      }
      case "views.publish":
      case "views.open":
      case "views.update":
        return { ok: true, view: { id: `V${++this.views}` } };
      default:
        return { ok: false, error: "unknown_method" };
    }
  }
}
