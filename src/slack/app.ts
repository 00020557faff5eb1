import { App, type webApi } from "@slack/bolt";
import { systemClock } from "../clock.js";
import type { Deps } from "../deps.js";
import type { Routes } from "../http/server.js";
import { boltLogger } from "../log.js";
import { CommandRouter, type Reply } from "./commands.js";
import { arrivalOf, noteArrival, replyInTime } from "./deadline.js";
import { claimEvent } from "./dedupe.js";
import { replyWithError, userFacingMessage } from "./errors.js";
import { botScopes, installer } from "./installations.js";
import { Listeners } from "./listeners.js";
import { SignedHttpReceiver } from "./receiver.js";
import { workspaceRegistry } from "./workspaces.js";

export type SlackApp = InstanceType<typeof App>;
type WebClientOptions = webApi.WebClientOptions;
// The last overload of App.error is the extended handler (Bolt does not export its type).
type ExtendedErrorHandler = Parameters<SlackApp["error"]>[0];

export type Slack = {
  app: SlackApp;
  commands: CommandRouter;
  /** Where features register buttons, modals and events (one Bolt listener per kind). */
  listeners: Listeners;
  /** For every other Web API client coo makes: the same Slack URL, retries and logger. */
  clientOptions: WebClientOptions;
  /** HTTP mode only: the receiver that owns the port. */
  receiver: SignedHttpReceiver | undefined;
};

export type SlackOptions = {
  /** Extra HTTP routes served beside /slack/events (health, later metrics). */
  routes: Routes;
  /** Web API client retries; tests set 0 so a dead fake fails fast. */
  retries?: number;
  /** Whether Postgres has answered anything since a `performance.now()` reading (see Database.answeredSince). */
  databaseAnsweredSince?: (since: number) => boolean;
};

/** Builds the Bolt app: receiver, logging, one error handler, workspace and dedupe middleware, the /coo router. */
export function createSlack(deps: Omit<Deps, "outbox" | "slackFor">, options: SlackOptions): Slack {
  const { config, log } = deps;
  const clientOptions = {
    ...(config.slack.apiUrl ? { slackApiUrl: withSlash(config.slack.apiUrl) } : {}),
    ...(options.retries !== undefined ? { retryConfig: { retries: options.retries } } : {}),
  };
  const logger = boltLogger(log, config.logLevel);
  // With OAuth each workspace's token comes from its installation; without it, one bot token.
  const install = config.slack.oauth
    ? installer(config.slack.oauth, deps.db, clientOptions.slackApiUrl, logger)
    : undefined;
  const credentials = install
    ? { authorize: (source: Parameters<typeof install.authorize>[0]) => install.authorize(source) }
    : { token: config.slack.botToken };
  const routes: Routes = install
    ? {
        ...options.routes,
        "GET /slack/install": (req, res) => install.handleInstallPath(req, res, {}, { scopes: botScopes }),
        "GET /slack/oauth_redirect": (req, res) => install.handleCallback(req, res),
      }
    : options.routes;
  let receiver: SignedHttpReceiver | undefined;
  let app: SlackApp;
  if (config.slack.mode === "socket") {
    app = new App({
      ...credentials,
      appToken: config.slack.appToken,
      socketMode: true,
      clientOptions,
      logger,
      extendedErrorHandler: true,
      // coo keeps its state in the database; Bolt's in-memory conversation
      // store would only cost a lookup on every request.
      convoStore: false,
    });
  } else {
    receiver = new SignedHttpReceiver({
      signingSecret: config.slack.signingSecret ?? "",
      log,
      // Request freshness is about the real clock Slack signs with, never a test or demo clock.
      clock: systemClock,
      routes,
      metrics: deps.metrics,
      limits: config.http,
    });
    app = new App({
      ...credentials,
      receiver,
      clientOptions,
      logger,
      extendedErrorHandler: true,
      // coo keeps its state in the database; Bolt's in-memory conversation
      // store would only cost a lookup on every request.
      convoStore: false,
    });
  }

  const onError: ExtendedErrorHandler = async ({ error, body: anyBody, context }) => {
    const body = (anyBody ?? {}) as Record<string, unknown>;
    const text = userFacingMessage(
      error,
      log,
      {
        team: context?.teamId,
        user: context?.userId,
        kind: typeof body.type === "string" ? body.type : body.command ? "command" : undefined,
      },
      databaseSilentSince(arrivalOf(context), options.databaseAnsweredSince),
    );
    try {
      await replyWithError(app.client, body, text, context?.botToken);
    } catch (deliveryError) {
      log.error("could not tell the user about a failure", { error: deliveryError });
    }
  };
  app.error(onError);
  app.use(noteArrival);

  const ensureWorkspace = workspaceRegistry(deps.db);
  // With one bot token, only that token's workspace is served: a payload naming
  // another team is refused. (With OAuth, authorize already refuses teams
  // without an installation.)
  let ownTeam: Promise<string | undefined> | undefined;
  app.use(async ({ context, body, next }) => {
    const workspaceId = context.teamId ?? context.enterpriseId;
    if (!install) {
      ownTeam ??= app.client.auth.test().then(
        (r) => r.team_id,
        () => undefined,
      );
      const team = await ownTeam;
      // Slack did not answer: ask again on the next request rather than serve everyone.
      if (!team) ownTeam = undefined;
      if (workspaceId && workspaceId !== team) {
        log.warn("request for another workspace refused", { team: workspaceId });
        return;
      }
    }
    if (workspaceId) await ensureWorkspace(workspaceId);
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === "string" && workspaceId) {
      if (!(await claimEvent(deps.db, workspaceId, eventId))) {
        log.info("duplicate event ignored", { eventId, retryNum: context.retryNum });
        return;
      }
    }
    await next();
  });

  const commands = new CommandRouter();
  app.command("/coo", async ({ command, ack, client }) => {
    const { subcommand, word, args } = commands.resolve(command.text ?? "");
    const help = commands.list().find((s) => s.name === "help");
    const input = {
      workspaceId: command.team_id,
      userId: command.user_id,
      channelId: command.channel_id,
      command,
      client,
    };
    if (!subcommand) {
      if (!help) throw new Error("the help subcommand is not registered");
      const unknown = help.run({ ...input, args: "" }).then((reply) => ({
        ...reply,
        text: `I don't know \`/coo ${word}\`. ${reply.text}`,
        blocks: unknownNote(word, reply) as Reply["blocks"],
      }));
      await replyInTime(ack, command.response_url, unknown);
      return;
    }
    await replyInTime(ack, command.response_url, subcommand.run({ ...input, args }));
  });

  const listeners = new Listeners();
  listeners.attach(app);
  return { app, commands, listeners, clientOptions: { ...clientOptions, logger }, receiver };
}

function unknownNote(word: string, reply: { blocks?: unknown[] }) {
  return [
    {
      type: "context",
      elements: [
        { type: "mrkdwn", text: `:grey_question: I don't know \`/coo ${word}\`. Here is what I do know:` },
      ],
    },
    ...((reply.blocks ?? []) as never[]),
  ];
}

/**
 * Postgres has answered nothing since the request arrived. With no arrival
 * noted, nothing of ours ran before the failure (Bolt's own authorize only
 * reads). Without a way to ask, assume it answered: never claim too much.
 */
function databaseSilentSince(
  arrivedAt: number | undefined,
  answeredSince: ((since: number) => boolean) | undefined,
): boolean {
  if (!answeredSince) return false;
  return arrivedAt === undefined || !answeredSince(arrivedAt);
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}
