import type { webApi } from "@slack/bolt";
import type { InstallationStore } from "@slack/oauth";
import { systemClock } from "../clock.js";
import type { Deps } from "../deps.js";
import type { Routes } from "../http/server.js";
import { boltLogger } from "../log.js";
import { actorFor } from "../people/people.js";
import type { Actor } from "../policy.js";
import { App } from "./bolt.js";
import { CommandRouter, type Reply, type Subcommand } from "./commands.js";
import { externalNote, scopeOf, setScope } from "./context.js";
import { arrivalOf, noteArrival, replyInTime } from "./deadline.js";
import { guardIncoming } from "./envelope.js";
import { replyWithError, userFacingMessage } from "./errors.js";
import { botScopes, installer } from "./installations.js";
import { Listeners } from "./listeners.js";
import { quote } from "./mentions.js";
import { SignedHttpReceiver } from "./receiver.js";
import { respondTo } from "./respond.js";

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

/**
 * What the request middleware asks of every request before any listener
 * runs; the composition root answers with the workspaces feature's use cases.
 */
export type Admission = {
  /** Makes sure coo knows the workspace (its row exists). */
  workspace(workspaceId: string): Promise<void>;
  /** True the first time a request key is seen, false for a replay of the same signed request. */
  firstTime(workspaceId: string, key: string): Promise<boolean>;
};

export type SlackOptions = {
  /** Extra HTTP routes served beside /slack/events (health, later metrics). */
  routes: Routes;
  /** Web API client retries; tests set 0 so a dead fake fails fast. */
  retries?: number;
  /** OAuth: where installations are kept (their tokens sealed). Undefined with one bot token. */
  installations: InstallationStore | undefined;
  /** The workspace and replay checks every request passes. */
  admission: Admission;
  /** Puts the event inbox in front of Bolt: events recorded before they are acknowledged (src/jobs/inbox.ts). */
  inbox: (app: SlackApp) => void;
  /** Whether Postgres has answered anything since a `performance.now()` reading (see Database.answeredSince). */
  databaseAnsweredSince?: (since: number) => boolean;
};

/** Builds the Bolt app: receiver, logging, one error handler, workspace and dedupe middleware, the /coo router. */
export function createSlack(
  deps: Omit<Deps, "outbox" | "slackFor" | "people" | "channels">,
  options: SlackOptions,
): Slack {
  const { config, log } = deps;
  const clientOptions = {
    ...(config.slack.apiUrl ? { slackApiUrl: withSlash(config.slack.apiUrl) } : {}),
    ...(options.retries !== undefined ? { retryConfig: { retries: options.retries } } : {}),
  };
  const logger = boltLogger(log, config.logLevel, { messageText: config.logMessageText });
  // With OAuth each workspace's token comes from its installation; without it, one bot token.
  const install =
    config.slack.oauth && options.installations
      ? installer(config.slack.oauth, options.installations, clientOptions.slackApiUrl, logger)
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
  // Both receivers hand payloads to app.processEvent. The last wrapper runs
  // first: a payload is checked and cleaned, then an event is recorded.
  options.inbox(app);
  guardIncoming(app, log);

  const { admission } = options;
  // With one bot token, only that token's workspace is served: a payload naming
  // another team is refused. (With OAuth, authorize already refuses teams
  // without an installation.)
  let ownTeam: Promise<string | undefined> | undefined;
  app.use(async (args) => {
    const { context, body, next, client } = args;
    // The workspace Bolt authorized: an org-wide install is one workspace, its organisation.
    const workspaceId = context.isEnterpriseInstall
      ? context.enterpriseId
      : (context.teamId ?? context.enterpriseId);
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
    if (!workspaceId) {
      log.warn("request without a workspace refused");
      return;
    }
    await admission.workspace(workspaceId);
    const ack = (args as { ack?: (response?: unknown) => Promise<void> }).ack;
    const requestKey = replayKey(body);
    if (requestKey && !(await admission.firstTime(workspaceId, requestKey))) {
      log.warn("replayed request ignored", { kind: requestKey.slice(0, 3) });
      await ack?.();
      return;
    }
    const external = isExternal(body, context);
    if (external && (await refusedAsExternal(body, ack))) {
      log.info("request from another organisation refused", { kind: (body as { type?: string }).type });
      return;
    }
    const userId = context.userId;
    let actor: Promise<Actor> | undefined;
    setScope(context, {
      workspaceId,
      userId,
      actor: () => {
        if (!userId) throw new Error("this request has no acting user");
        actor ??= actorFor(deps, client, workspaceId, userId);
        return actor;
      },
      external,
    });
    await next();
  });
  const commands = new CommandRouter();
  app.command("/coo", async ({ command, ack, client, context }) => {
    const { subcommand, word, args } = commands.resolve(command.text ?? "");
    const scope = scopeOf(context);
    const input = {
      workspaceId: scope.workspaceId,
      userId: command.user_id,
      actor: scope.actor,
      channelId: command.channel_id,
      command,
      client,
    };
    if (!subcommand) {
      const reply: Reply = { text: unknownNote(word, commands.closest(word)), response_type: "ephemeral" };
      await replyInTime(ack, command.response_url, Promise.resolve(reply));
      return;
    }
    const answer = (async (): Promise<Reply> => {
      // Someone of another organisation gets help and a note, never the ledger.
      if (subcommand.name !== "help" && (scope.external || (await scope.actor()).kind === "external"))
        return { text: externalNote };
      return subcommand.run({ ...input, args });
    })();
    await replyInTime(ack, command.response_url, answer);
  });

  const listeners = new Listeners();
  listeners.attach(app);
  return { app, commands, listeners, clientOptions: { ...clientOptions, logger }, receiver };
}

/**
 * Slash commands and interactions carry a trigger_id that Slack makes unique
 * per invocation: the key under which a replay of the same signed request is
 * recognised. Events are deduplicated by event_id in the inbox (inbox.ts).
 */
function replayKey(body: unknown): string | undefined {
  const b = body as { command?: unknown; trigger_id?: unknown; type?: unknown };
  if (typeof b.trigger_id !== "string" || b.trigger_id === "") return undefined;
  return `${typeof b.command === "string" ? "cmd" : "act"}:${b.trigger_id}`;
}

/**
 * The acting user belongs to another organisation: a Slack Connect event
 * names their team in `user_team`, an interaction in `user.team_id`. (Within
 * an org-wide install every team of the organisation is the workspace.)
 */
function isExternal(body: unknown, context: { teamId?: string; isEnterpriseInstall?: boolean }): boolean {
  if (context.isEnterpriseInstall) return false;
  const b = body as { event?: { user_team?: unknown }; user?: { team_id?: unknown } };
  const team = b.event?.user_team ?? b.user?.team_id;
  return typeof team === "string" && team !== "" && team !== context.teamId;
}

/**
 * Buttons and modals of this workspace pressed by someone of another
 * organisation change nothing: the button is told why, a modal just closes.
 * True when the request was answered here.
 */
async function refusedAsExternal(
  body: unknown,
  ack: ((response?: unknown) => Promise<void>) | undefined,
): Promise<boolean> {
  const b = body as { type?: unknown; response_url?: unknown };
  if (b.type !== "block_actions" && b.type !== "view_submission") return false;
  await ack?.();
  if (typeof b.response_url === "string")
    await respondTo(b.response_url, { text: externalNote, replace_original: false }).catch(() => {});
  return true;
}

/** One line for a word coo does not know: the command it most likely meant, and where the rest are. */
function unknownNote(word: string, closest: Subcommand | undefined): string {
  const guess = closest ? ` Did you mean \`/coo ${closest.usage}\`?` : "";
  return `I don't know \`/coo ${quote(word)}\`.${guess} \`/coo help\` lists every command.`;
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
