import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the next /v1/messages call gets. */
export type Behaviour =
  | { json: unknown }
  | { text: string }
  /** Claude calls tools: one tool_use block each (ids made here, as the API makes them). */
  | { tools: Array<{ name: string; input: unknown }> }
  | { status: number; errorType?: string }
  | { delayMs: number; after: Behaviour };

export type AnthropicRequest = {
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
};

/** The Anthropic Messages API at the network edge, scripted per test. */
export class FakeAnthropic {
  readonly requests: AnthropicRequest[] = [];
  private readonly script: Behaviour[] = [];
  /** Used once the script runs out. */
  fallback: Behaviour = { status: 500, errorType: "api_error" };
  /** Usage the fake reported, per request, in order (400s included, as zero). */
  readonly usages: Usage[] = [];
  /** Cached prefixes: their hash and when they expire (five minutes after their last use). */
  private readonly cache = new Map<string, number>();
  private toolUses = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<FakeAnthropic> {
    let fake: FakeAnthropic | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
        fake?.requests.push({ headers: req.headers, body });
        const send = (status: number, payload: unknown) => {
          if (res.destroyed) return;
          res.writeHead(status, { "content-type": "application/json", "request-id": "req_fake" });
          res.end(JSON.stringify(payload));
        };
        const invalid = invalidRequest(body);
        if (invalid) {
          send(400, { type: "error", error: { type: "invalid_request_error", message: invalid } });
          return;
        }
        const behaviour = fake?.script.shift() ?? fake?.fallback ?? { status: 500 };
        void respond(behaviour, body, fake as FakeAnthropic, (status, payload) => {
          if (res.destroyed) return;
          res.writeHead(status, { "content-type": "application/json", "request-id": "req_fake" });
          res.end(JSON.stringify(payload));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    fake = new FakeAnthropic(server, (server.address() as AddressInfo).port);
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next tool_use id, unique for the fake's life as the API's are. */
  nextToolUseId(): string {
    this.toolUses += 1;
    return `toolu_fake_${String(this.toolUses).padStart(4, "0")}`;
  }

  /**
   * What the prompt cache does with a request, as the API reports it: the
   * prefix up to the last block marked `cache_control` (tools, then system)
   * is written on the first request that reaches the model's minimum, and
   * read by an identical prefix within five minutes (which renews it). A
   * prefix below the minimum is neither written nor read.
   */
  cacheUsage(request: Record<string, unknown>): { prefix: number; read: number; creation: number } {
    const { prefix, marked } = prefixOf(request);
    const tokens = tokensOf(prefix);
    if (!marked || tokens < cacheMinimumOf(String(request.model)))
      return { prefix: tokens, read: 0, creation: 0 };
    const key = createHash("sha256")
      .update(`${String(request.model)}\n${prefix}`)
      .digest("hex");
    const now = Date.now();
    const hit = (this.cache.get(key) ?? 0) > now;
    this.cache.set(key, now + 5 * 60_000);
    return hit
      ? { prefix: tokens, read: tokens, creation: 0 }
      : { prefix: tokens, read: 0, creation: tokens };
  }

  /** Queue answers for the next calls, in order. */
  answer(...behaviours: Behaviour[]): this {
    this.script.push(...behaviours);
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export type Usage = {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
};

/** Tokens of text as the fake counts them: four characters each. */
const tokensOf = (text: string) => Math.ceil(text.length / 4);

/**
 * The minimum cacheable prompt per model, from Anthropic's prompt-caching
 * documentation (4,096 for Haiku 4.5 and Opus 4.5/4.6, 2,048 for Sonnet 4.6
 * and Haiku 3.x, 1,024 for the other Sonnet and Opus models). A model the
 * table does not name is taken as its family's newest.
 */
function cacheMinimumOf(model: string): number {
  if (/haiku-4-5|opus-4-5|opus-4-6/.test(model)) return 4096;
  if (/sonnet-4-6|3-haiku|3-5-haiku/.test(model)) return 2048;
  if (/sonnet|opus-4-1|opus-4-0|3-opus/.test(model) && !/sonnet-[5-9]/.test(model)) return 1024;
  if (/haiku|opus/.test(model)) return 4096;
  return 2048;
}

type Block = { type?: string; text?: string; id?: string; tool_use_id?: string; cache_control?: unknown };

/** The cacheable prefix in the API's order (tools, then system), up to the last block marked for caching. */
function prefixOf(request: Record<string, unknown>): { prefix: string; marked: boolean } {
  const tools = (request.tools ?? []) as Block[];
  const system =
    typeof request.system === "string"
      ? [{ type: "text", text: request.system }]
      : ((request.system ?? []) as Block[]);
  const parts = [...tools.map((t) => JSON.stringify(t)), ...system.map((b) => b.text ?? "")];
  const marks = [...tools, ...system].map((b) => b.cache_control !== undefined);
  const last = marks.lastIndexOf(true);
  return { prefix: parts.slice(0, last + 1).join("\n"), marked: last >= 0 };
}

const blocksOf = (content: unknown): Block[] =>
  typeof content === "string"
    ? [{ type: "text", text: content }]
    : Array.isArray(content)
      ? (content as Block[])
      : [];

/**
 * What the Messages API refuses with 400 before any model runs: tools with
 * bad names or schemas, and a conversation whose tool_use blocks are not each
 * answered by a tool_result (first, with its id) in the very next user turn,
 * or a tool_result that answers no tool_use.
 */
function invalidRequest(body: Record<string, unknown>): string | undefined {
  const tools = (body.tools ?? []) as Array<{ name?: unknown; input_schema?: { type?: unknown } }>;
  if (!Array.isArray(tools)) return "tools: expected an array";
  for (const [i, t] of tools.entries()) {
    if (typeof t.name !== "string" || !/^[a-zA-Z0-9_-]{1,64}$/.test(t.name))
      return `tools.${i}.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`;
    if (t.input_schema?.type !== "object") return `tools.${i}.input_schema.type: Input should be 'object'`;
  }
  const messages = (body.messages ?? []) as Array<{ role: string; content: unknown }>;
  if (messages[0]?.role !== "user") return 'messages: first message must use the "user" role';
  for (const [i, m] of messages.entries()) {
    const uses = m.role === "assistant" ? blocksOf(m.content).filter((b) => b.type === "tool_use") : [];
    const results = m.role === "user" ? blocksOf(m.content).filter((b) => b.type === "tool_result") : [];
    if (results.length > 0) {
      const before = messages[i - 1];
      const asked = new Set(
        before?.role === "assistant"
          ? blocksOf(before.content)
              .filter((b) => b.type === "tool_use")
              .map((b) => b.id)
          : [],
      );
      for (const r of results)
        if (!asked.has(r.tool_use_id))
          return `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${r.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      const content = blocksOf(m.content);
      if (content.slice(0, results.length).some((b) => b.type !== "tool_result"))
        return `messages.${i}.content: tool_result blocks must come first in the user message`;
    }
    if (uses.length > 0) {
      const next = messages[i + 1];
      if (!next) continue; // the last assistant turn may be a prefill; the API would continue it
      const answered = new Set(
        next.role === "user"
          ? blocksOf(next.content)
              .filter((b) => b.type === "tool_result")
              .map((b) => b.tool_use_id)
          : [],
      );
      const missing = uses.filter((u) => !answered.has(u.id)).map((u) => u.id);
      if (missing.length > 0)
        return `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
  }
  return undefined;
}

async function respond(
  behaviour: Behaviour,
  request: Record<string, unknown>,
  fake: FakeAnthropic,
  send: (status: number, payload: unknown) => void,
): Promise<void> {
  if ("delayMs" in behaviour) {
    await new Promise((r) => setTimeout(r, behaviour.delayMs));
    return respond(behaviour.after, request, fake, send);
  }
  if ("status" in behaviour) {
    send(behaviour.status, {
      type: "error",
      error: { type: behaviour.errorType ?? "api_error", message: "scripted failure" },
    });
    return;
  }
  if ("tools" in behaviour) {
    const offered = new Set(((request.tools ?? []) as Array<{ name: string }>).map((t) => t.name));
    if (offered.size === 0) {
      send(400, {
        type: "error",
        error: { type: "invalid_request_error", message: "no tools were offered" },
      });
      return;
    }
  }
  const cache = fake.cacheUsage(request);
  const total = tokensOf(
    JSON.stringify({ tools: request.tools, system: request.system, messages: request.messages }),
  );
  const usage: Usage = {
    input_tokens: Math.max(1, total - cache.read - cache.creation),
    output_tokens: 20,
    cache_read_input_tokens: cache.read,
    cache_creation_input_tokens: cache.creation,
  };
  fake.usages.push(usage);
  const content =
    "tools" in behaviour
      ? behaviour.tools.map((t) => ({
          type: "tool_use",
          id: fake.nextToolUseId(),
          name: t.name,
          input: t.input,
        }))
      : [{ type: "text", text: "json" in behaviour ? JSON.stringify(behaviour.json) : behaviour.text }];
  send(200, {
    id: `msg_fake_${Date.now()}`,
    type: "message",
    role: "assistant",
    model: request.model,
    content,
    stop_reason: "tools" in behaviour ? "tool_use" : "end_turn",
    stop_sequence: null,
    usage,
  });
}
