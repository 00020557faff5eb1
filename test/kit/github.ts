import { createRequire } from "node:module";
import { sign } from "@octokit/webhooks-methods";
import { uniqueId } from "./slack-client.js";

export const githubSecret = "test-github-webhook-secret";

type Examples = Array<{ name: string; examples: Array<Record<string, unknown>> }>;

/**
 * Real deliveries GitHub documented: `@octokit/webhooks-examples`,
 * api.github.com/index.json (the payloads of docs.github.com's webhook
 * reference). A test patches only what points them at its own data.
 */
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as Examples;

export function example(event: string, action?: string): Record<string, unknown> {
  const found = examples
    .find((e) => e.name === event)
    ?.examples.find((x) => action === undefined || x.action === action);
  if (!found) throw new Error(`no ${event} ${action ?? ""} example in @octokit/webhooks-examples`);
  return structuredClone(found);
}

export type GitHubResponse = { status: number; json: unknown };

/** Sends what GitHub sends to POST /integrations/github: JSON, signed with X-Hub-Signature-256. */
export class GitHubClient {
  constructor(
    readonly baseUrl: string,
    private readonly secret = githubSecret,
  ) {}

  async deliver(
    event: string,
    payload: unknown,
    options: {
      delivery?: string;
      secret?: string;
      signature?: string | null;
      body?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<GitHubResponse & { delivery: string }> {
    const delivery = options.delivery ?? uniqueId("gh-");
    const body = options.body ?? JSON.stringify(payload);
    const signature =
      options.signature === undefined ? await sign(options.secret ?? this.secret, body) : options.signature;
    const res = await fetch(`${this.baseUrl}/integrations/github`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "GitHub-Hookshot/test",
        "x-github-event": event,
        "x-github-delivery": delivery,
        ...(signature === null ? {} : { "x-hub-signature-256": signature }),
        ...options.headers,
      },
      body,
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined, delivery };
  }
}
