import { createHmac } from "node:crypto";

export type SlackResponse = { status: number; text: string; json: unknown };

export type Who = { team: string; user: string; channel: string };

let counter = 0;
export const uniqueId = (prefix: string) =>
  `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`.toUpperCase();

export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

/**
 * Sends what Slack sends: signed slash commands, events and interactions,
 * to the running app's /slack/events.
 */
export class SlackClient {
  constructor(
    readonly baseUrl: string,
    private readonly signingSecret: string,
    readonly who: Who = { team: "T1", user: "U1", channel: "C1" },
    private readonly responseUrl: (id: string) => string = (id) => `http://127.0.0.1:9/${id}`,
    /** Sees every answer the app gives in an HTTP response (a command's reply, a modal's update), as Slack would. */
    private readonly onAnswer?: (json: unknown) => void,
  ) {}

  async post(
    body: string,
    contentType: string,
    options: {
      timestamp?: number;
      secret?: string;
      signature?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<SlackResponse> {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const res = await fetch(`${this.baseUrl}/slack/events`, {
      method: "POST",
      headers: {
        "content-type": contentType,
        "x-slack-request-timestamp": String(timestamp),
        "x-slack-signature": options.signature ?? sign(options.secret ?? this.signingSecret, timestamp, body),
        ...options.headers,
      },
      body,
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (res.status === 200 && json !== undefined) this.onAnswer?.(json);
    return { status: res.status, text, json };
  }

  commandBody(text: string, who: Partial<Who> = {}, responseId = uniqueId("R")): string {
    const w = { ...this.who, ...who };
    return new URLSearchParams({
      token: "legacy",
      team_id: w.team,
      team_domain: "acme",
      channel_id: w.channel,
      channel_name: "general",
      user_id: w.user,
      user_name: w.user.toLowerCase(),
      command: "/coo",
      text,
      api_app_id: "A1",
      response_url: this.responseUrl(responseId),
      trigger_id: uniqueId("TR"),
    }).toString();
  }

  /** `/coo <text>` as Slack sends it (mentions arrive escaped, as `<@U123|name>`). */
  async command(
    text: string,
    who: Partial<Who> = {},
    options: Parameters<SlackClient["post"]>[2] = {},
  ): Promise<SlackResponse & { responseId: string }> {
    const responseId = uniqueId("R");
    const res = await this.post(
      this.commandBody(text, who, responseId),
      "application/x-www-form-urlencoded",
      options,
    );
    return { ...res, responseId };
  }

  eventBody(event: Record<string, unknown>, eventId = uniqueId("Ev"), team = this.who.team): string {
    return JSON.stringify({
      token: "legacy",
      team_id: team,
      api_app_id: "A1",
      event: { event_ts: event.ts, ...event },
      type: "event_callback",
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: team, user_id: "UCOO", is_bot: true }],
    });
  }

  event(
    event: Record<string, unknown>,
    options: { eventId?: string; retryNum?: number; team?: string } = {},
  ): Promise<SlackResponse> {
    const headers: Record<string, string> = options.retryNum
      ? { "x-slack-retry-num": String(options.retryNum), "x-slack-retry-reason": "http_timeout" }
      : {};
    return this.post(this.eventBody(event, options.eventId, options.team), "application/json", { headers });
  }

  /** An `app_mention` in a channel. */
  mention(text: string, options: { ts?: string; threadTs?: string; eventId?: string; user?: string } = {}) {
    return this.event(
      {
        type: "app_mention",
        user: options.user ?? this.who.user,
        text: `<@UCOO> ${text}`,
        ts: options.ts ?? `${Math.floor(Date.now() / 1000)}.${String(counter++).padStart(6, "0")}`,
        channel: this.who.channel,
        ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
      },
      options.eventId ? { eventId: options.eventId } : {},
    );
  }

  /** A signed app_mention with a chosen timestamp header, for signature tests. */
  mentionBodyPost(timestamp: number): Promise<SlackResponse> {
    const body = this.eventBody({
      type: "app_mention",
      user: this.who.user,
      text: "<@UCOO> hi",
      ts: "1.000001",
      channel: this.who.channel,
    });
    return this.post(body, "application/json", { timestamp });
  }

  /**
   * A button press in a message (or, with `home`, in the App Home). By default
   * the message is an ephemeral reply to a command; with `message`, one coo
   * posted (a DM), which Slack includes in the payload.
   */
  press(
    actionId: string,
    value: unknown,
    options: {
      user?: string;
      home?: boolean;
      rawValue?: string;
      message?: { ts: string; channel: string; blocks?: unknown[] };
    } = {},
  ) {
    const user = options.user ?? this.who.user;
    return this.interaction({
      type: "block_actions",
      user: { id: user, team_id: this.who.team },
      ...(options.home
        ? {
            container: { type: "view", view_id: "VHOME" },
            view: { id: "VHOME", type: "home" },
            response_url: undefined,
          }
        : options.message
          ? {
              container: {
                type: "message",
                message_ts: options.message.ts,
                channel_id: options.message.channel,
                is_ephemeral: false,
              },
              channel: { id: options.message.channel, name: "directmessage" },
              message: {
                type: "message",
                user: "UCOO",
                ts: options.message.ts,
                text: "",
                blocks: options.message.blocks ?? [],
              },
            }
          : {
              container: {
                type: "message",
                message_ts: "1.1",
                channel_id: this.who.channel,
                is_ephemeral: true,
              },
              channel: { id: this.who.channel, name: "general" },
            }),
      actions: [
        {
          type: "button",
          action_id: actionId,
          block_id: "b1",
          value: options.rawValue ?? JSON.stringify(value),
          action_ts: String(Date.now() / 1000),
        },
      ],
    });
  }

  /** A modal submitted: `values` is block_id -> action "value" -> element state. */
  submitView(
    callbackId: string,
    privateMetadata: string,
    values: Record<string, Record<string, unknown>>,
    user?: string,
  ) {
    return this.interaction({
      type: "view_submission",
      user: { id: user ?? this.who.user, team_id: this.who.team },
      response_url: undefined,
      view: {
        id: "VMODAL",
        type: "modal",
        callback_id: callbackId,
        private_metadata: privateMetadata,
        state: {
          values: Object.fromEntries(Object.entries(values).map(([block, v]) => [block, { value: v }])),
        },
        hash: "h",
      },
    });
  }

  /** A `block_actions` interaction (button press). */
  interaction(payload: Record<string, unknown>): Promise<SlackResponse> {
    const full: Record<string, unknown> = {
      team: { id: this.who.team, domain: "acme" },
      user: { id: this.who.user, team_id: this.who.team },
      api_app_id: "A1",
      token: "legacy",
      trigger_id: uniqueId("TR"),
      response_url: this.responseUrl(uniqueId("R")),
      ...payload,
    };
    if (full.response_url === undefined) delete full.response_url;
    const body = new URLSearchParams({ payload: JSON.stringify(full) }).toString();
    return this.post(body, "application/x-www-form-urlencoded");
  }
}
