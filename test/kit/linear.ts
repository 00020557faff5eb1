import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { uniqueId } from "./slack-client.js";

export const linearSecret = "test-linear-webhook-secret";

type Json = Record<string, unknown>;
const folder = fileURLToPath(new URL("../fixtures/linear/", import.meta.url));

/**
 * Linear Issue deliveries under test/fixtures/linear/, shaped as Linear's
 * webhook documentation gives them (each file names its source). A deep
 * copy, for a test to point at its own team and issue.
 */
export function linearIssue(name: "issue-create" | "issue-update-done" | "issue-remove"): {
  action: string;
  webhookTimestamp: number;
  url: string;
  data: Json & {
    identifier: string;
    number: number;
    title: string;
    description: string | null;
    url: string;
    dueDate: string | null;
    team: { key: string };
    state: { name: string; type: string };
  };
} {
  const file = JSON.parse(readFileSync(`${folder}${name}.json`, "utf8")) as { payload: Json };
  return structuredClone(file.payload) as ReturnType<typeof linearIssue>;
}

/** The payload pointed at team `key`, issue number `number`. */
export function pointAt<T extends ReturnType<typeof linearIssue>>(
  payload: T,
  key: string,
  number: number,
): T {
  payload.data.identifier = `${key}-${number}`;
  payload.data.number = number;
  payload.data.team.key = key;
  payload.data.url = `https://linear.app/acme/issue/${key}-${number}/work`;
  payload.url = payload.data.url;
  return payload;
}

export type LinearResponse = { status: number; json: unknown; delivery: string };

/**
 * Sends what Linear sends to POST /integrations/linear: JSON with
 * `webhookTimestamp` (now, unless given), signed in `Linear-Signature` with
 * the hex HMAC-SHA256 of the raw body, and a `Linear-Delivery` id.
 */
export class LinearClient {
  constructor(
    readonly baseUrl: string,
    private readonly secret = linearSecret,
  ) {}

  async deliver(
    payload: Json | undefined,
    options: {
      delivery?: string;
      secret?: string;
      signature?: string | null;
      body?: string;
      timestamp?: number;
      headers?: Record<string, string>;
    } = {},
  ): Promise<LinearResponse> {
    const delivery = options.delivery ?? uniqueId("lin-");
    const body =
      options.body ?? JSON.stringify({ ...payload, webhookTimestamp: options.timestamp ?? Date.now() });
    const signature =
      options.signature === undefined
        ? createHmac("sha256", options.secret ?? this.secret)
            .update(body)
            .digest("hex")
        : options.signature;
    const res = await fetch(`${this.baseUrl}/integrations/linear`, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        "user-agent": "Linear-Webhook",
        "linear-event": "Issue",
        "linear-delivery": delivery,
        ...(signature === null ? {} : { "linear-signature": signature }),
        ...options.headers,
      },
      body,
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined, delivery };
  }
}
