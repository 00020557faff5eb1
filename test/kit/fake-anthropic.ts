import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the next /v1/messages call gets. */
export type Behaviour =
  | { json: unknown }
  | { text: string }
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
        const behaviour = fake?.script.shift() ?? fake?.fallback ?? { status: 500 };
        void respond(behaviour, body, (status, payload) => {
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

async function respond(
  behaviour: Behaviour,
  request: Record<string, unknown>,
  send: (status: number, payload: unknown) => void,
): Promise<void> {
  if ("delayMs" in behaviour) {
    await new Promise((r) => setTimeout(r, behaviour.delayMs));
    return respond(behaviour.after, request, send);
  }
  if ("status" in behaviour) {
    send(behaviour.status, {
      type: "error",
      error: { type: behaviour.errorType ?? "api_error", message: "scripted failure" },
    });
    return;
  }
  const text = "json" in behaviour ? JSON.stringify(behaviour.json) : behaviour.text;
  send(200, {
    id: `msg_fake_${Date.now()}`,
    type: "message",
    role: "assistant",
    model: request.model,
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: {
      input_tokens: 100,
      output_tokens: 20,
      cache_read_input_tokens: 80,
      cache_creation_input_tokens: 0,
    },
  });
}
