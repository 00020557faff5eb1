import { WebClient } from "@slack/web-api";
import { register as registerAssistant } from "./assistant/commands.js";
import { operationsGuide } from "./assistant/guide.js";
import { reminderJobs, sendReminder } from "./assistant/use-cases.js";
import { register as registerAvailability } from "./availability/commands.js";
import { register as registerBets } from "./bets/commands.js";
import { registerPlans } from "./bets/plan-commands.js";
import { tellWorkstreamOwner } from "./bets/use-cases.js";
import { register as registerBlockers } from "./blockers/commands.js";
import { register as registerCadence } from "./cadence/commands.js";
import { CadenceEngine } from "./cadence/engine.js";
import { reportFailure } from "./cadence/use-cases.js";
import { ChangeFeed } from "./changes.js";
import { type Clock, systemClock } from "./clock.js";
import { register as registerCommitments } from "./commitments/commands.js";
import { commitmentSlipped } from "./commitments/use-cases.js";
import type { Config } from "./config.js";
import { type Database, openDatabase } from "./db/open.js";
import type { Deps } from "./deps.js";
import { apiRoutes } from "./export/api.js";
import { register as registerExport } from "./export/commands.js";
import { deliverExport, exportFiles } from "./export/use-cases.js";
import { register as registerGitHub } from "./github/commands.js";
import { githubEvents, handleGitHubEvent } from "./github/use-cases.js";
import { githubWebhook } from "./github/webhook.js";
import { register as registerHandoffs } from "./handoffs/commands.js";
import { register as registerHelp } from "./help/commands.js";
import { register as registerHome } from "./home/commands.js";
import { healthz, metricsRoute, readyz } from "./http/health.js";
import { close, type Handler, listen, type Routes, routedServer } from "./http/server.js";
import { installEventInbox } from "./jobs/inbox.js";
import { allOf, Outbox } from "./jobs/outbox.js";
import { ScheduledJob } from "./jobs/schedule.js";
import { register as registerLinear } from "./linear/commands.js";
import { handleLinearEvent, linearEvents } from "./linear/use-cases.js";
import { linearWebhook } from "./linear/webhook.js";
import { createLlm } from "./llm/client.js";
import { createLog, type Log } from "./log.js";
import { createMetrics } from "./metrics.js";
import { peopleDirectory } from "./people/people.js";
import { loadPersona, systemPrompt } from "./persona/load.js";
import { register as registerRouting } from "./routing/commands.js";
import { createKeyring } from "./secrets.js";
import { createSlack, type Slack } from "./slack/app.js";
import { channelDirectory } from "./slack/channels.js";
import { prismaInstallationStore, resealInstallations, workspaceClients } from "./slack/installations.js";
import { register as registerSlips } from "./slips/commands.js";
import { SlipSweeper } from "./slips/sweep.js";
import { tellDependants } from "./slips/use-cases.js";
import { register as registerStandups } from "./standups/register.js";
import { warmUpDateParsingInBackground } from "./time/when.js";
import { signInWithSlack } from "./web/oidc.js";
import { dashboardRoutes } from "./web/routes.js";
import { register as registerWorkspaces, resumeWithWorkingToken } from "./workspaces/commands.js";
import { admission, forgetOldRequestsBefore, resumeWorkspaceCadences } from "./workspaces/use-cases.js";

export type CooOptions = {
  clock?: Clock;
  log?: Log;
  rolesDir?: string;
  /** Web API retries (default: the client's own policy). */
  slackRetries?: number;
  llmTimeoutMs?: number;
  /** Gap between two messages to one channel (default 1000 ms; tests use 0). */
  outboxPaceMs?: number;
  outboxPollMs?: number;
  /** false: build cadence timers but never start them (tests and the demo fire them by hand). */
  timers?: boolean;
};

export type RunningCoo = {
  /** The HTTP port actually bound (useful with PORT=0). */
  port: number;
  database: Database;
  slack: Slack;
  deps: Deps;
  cadence: CadenceEngine;
  sweeper: SlipSweeper;
  /** Resolves when the start-up catch-up of missed cadence slots is done. */
  caughtUp: Promise<void>;
  stop(): Promise<void>;
};

const housekeepingJobs = "housekeeping";

/** Secrets the logger must never print, whatever field they end up in. */
export function secretsOf(config: Config): string[] {
  return [
    config.slack.botToken,
    config.slack.signingSecret,
    config.slack.appToken,
    config.anthropic?.apiKey,
    config.slack.oauth?.clientSecret,
    config.dashboard?.clientSecret,
    config.slack.oauth?.stateSecret,
    config.encryption?.key,
    ...(config.encryption?.oldKeys ?? []),
  ].filter((s): s is string => typeof s === "string");
}

/** The composition root: config in, a running bot out. Nothing else wires things together. */
export async function startCoo(config: Config, options: CooOptions = {}): Promise<RunningCoo> {
  const log = options.log ?? createLog({ level: config.logLevel, secrets: secretsOf(config) });
  const clock = options.clock ?? systemClock;
  const persona = await loadPersona(options.rolesDir);
  const database = await openDatabase(config.database, log, config.databaseTimeouts);
  try {
    const applied = await database.migrate();
    if (applied.length > 0) log.info("migrations applied", { applied });
  } catch (error) {
    await database.close();
    throw error;
  }
  const keyring = config.encryption
    ? createKeyring(config.encryption.key, config.encryption.oldKeys)
    : undefined;
  // Before serving: rows still under an old key, or in plain text, are sealed under the current key.
  if (keyring) await resealInstallations(database.prisma, keyring, log);
  const metrics = createMetrics({ outboxDepth: async () => outbox.depth() });
  const llm = createLlm({
    config: config.anthropic,
    // One stable prefix for every call: the persona, then how operations are handled.
    systemPrompt: `${systemPrompt(persona)}\n\n${operationsGuide}`,
    log,
    logLevel: config.logLevel,
    messageText: config.logMessageText,
    onCall: (task, result, usage, requests) => metrics.llmCall(task, result, usage, requests),
    ...(options.llmTimeoutMs !== undefined ? { timeoutMs: options.llmTimeoutMs } : {}),
  });
  const base = {
    config,
    db: database.prisma,
    sql: database.sql,
    log,
    clock,
    persona,
    llm,
    changes: new ChangeFeed(),
    metrics,
  };

  // Slack is reachable: our token works (one workspace), or the API answers (OAuth installs).
  const slackReachable = async () =>
    config.slack.oauth
      ? (await new WebClient(undefined, slack.clientOptions).api.test()).ok === true
      : (await slack.app.client.auth.test()).ok === true;
  const routes: Routes = {
    "GET /healthz": healthz(database),
    "GET /readyz": readyz(database, slackReachable),
    "GET /metrics": metricsRoute(metrics),
    "POST /integrations/github": githubWebhook({
      secret: config.github?.webhookSecret,
      db: database.prisma,
      log,
    }),
    // The read-only API: GET /api/v1/commitments and the rest, with a bearer token.
    ...apiRoutes(base),
    "POST /integrations/linear": linearWebhook({
      secret: config.linear?.webhookSecret,
      db: database.prisma,
      log,
    }),
  };
  // The dashboard's pages need the full deps, made once Slack's clients exist.
  let dashboard: Routes = {};
  for (const key of ["GET /app", "GET /app/*", "POST /app/*"])
    routes[key] = (req, res) => (dashboard[key] as Handler)(req, res);
  // Scheduled work runs on the database's background clients: it may wait
  // for a connection and run long statements that a request must not.
  const background = { ...base, db: database.background.prisma, sql: database.background.sql };
  const outbox: Outbox = new Outbox(
    background,
    // Clients exist once the Slack app does; the outbox sends nothing before it starts.
    (workspaceId) => clientsFor(workspaceId, "outbox"),
    {
      // Slack allows about one message a second per channel; the outbox spaces
      // posts from Slack's answer to the last one, so no margin is needed.
      paceMs: options.outboxPaceMs ?? 1000,
      leaseMs: config.leaseSeconds * 1000,
      pollMs: options.outboxPollMs ?? 500,
    },
    {
      onSent: () => metrics.outboxSent.inc(),
      onRateLimited: () => metrics.outboxRateLimited.inc(),
      onFailed: async (message, error) => {
        metrics.outboxFailed.inc({ error });
        await reportFailure(backgroundDeps, message, error);
      },
    },
  );
  const slack = createSlack(base, {
    inbox: (app) => installEventInbox(app, outbox, database.prisma, log),
    routes,
    installations: keyring
      ? prismaInstallationStore(database.prisma, keyring, log, (workspaceId) =>
          // The cadence engine exists by the time anyone installs.
          resumeWorkspaceCadences(base, cadence, workspaceId, "coo was installed again"),
        )
      : undefined,
    admission: admission(base),
    ...(options.slackRetries !== undefined ? { retries: options.slackRetries } : {}),
    databaseAnsweredSince: database.answeredSince,
  });
  const clientsFor = workspaceClients({
    config,
    db: database.prisma,
    keyring,
    log,
    single: slack.app.client,
    clientOptions: slack.clientOptions,
  });
  const slackFor = (workspaceId: string) => clientsFor(workspaceId);
  const channels = channelDirectory({ slackFor });
  const deps: Deps = {
    ...base,
    outbox,
    slackFor,
    people: peopleDirectory({ ...base, slackFor }),
    channels,
  };
  const backgroundDeps: Deps = {
    ...background,
    outbox,
    slackFor,
    people: peopleDirectory({ ...background, slackFor }),
    channels,
  };
  dashboard = dashboardRoutes(deps, {
    signIn: config.dashboard ? signInWithSlack(config.dashboard) : undefined,
    origin: config.publicUrl ? new URL(config.publicUrl).origin : undefined,
  });
  for (const register of [registerHelp, registerCommitments, registerBlockers, registerHome])
    register(slack, deps);
  const cadence = new CadenceEngine(backgroundDeps, {
    catchUpMinutes: config.catchUpMinutes,
    timers: options.timers ?? true,
    tickCron: config.tickCron,
  });
  registerCadence(slack, deps, cadence);
  registerStandups(slack, deps, cadence);
  registerWorkspaces(slack, deps, cadence);
  registerSlips(slack, deps);
  registerBets(slack, deps);
  // A commitment moved (a job the move wrote): whoever depends on it hears,
  // and so does its workstream's owner when the work is under a bet.
  outbox.handle(commitmentSlipped, allOf(tellDependants(deps), tellWorkstreamOwner(deps)));
  registerRouting(slack, deps);
  registerAssistant(slack, deps);
  outbox.handle(reminderJobs, sendReminder());
  registerHandoffs(slack, deps);
  registerPlans(slack, deps);
  registerGitHub(slack, deps);
  registerAvailability(slack, deps);
  outbox.handle(githubEvents, handleGitHubEvent(backgroundDeps));
  registerExport(slack, deps);
  outbox.handle(exportFiles, deliverExport(backgroundDeps));
  registerLinear(slack, deps);
  outbox.handle(linearEvents, handleLinearEvent(backgroundDeps));
  const sweeper = new SlipSweeper(backgroundDeps, {
    cron: config.sweepCron,
    timers: options.timers ?? true,
  });

  let port: number;
  let stopHttp: () => Promise<void>;
  if (slack.receiver) {
    const receiver = slack.receiver;
    port = await receiver.start(config.port);
    stopHttp = () => receiver.stop();
  } else {
    // Socket Mode needs no public endpoint, but health checks still want a port.
    await slack.app.start();
    const server = routedServer(
      routes,
      (error) => log.error("http handler failed", { error }),
      undefined,
      config.http,
    );
    server.on("drop", () => metrics.connectionsDropped.inc());
    port = await listen(server, config.port);
    stopHttp = async () => {
      await slack.app.stop();
      await close(server);
    };
  }

  outbox.start();
  await cadence.start();
  await sweeper.start();
  // Catching up missed slots may wait on Slack; the bot serves requests meanwhile.
  // With one bot token, a token that works again first resumes what an uninstall paused.
  const caughtUp = (
    config.slack.oauth ? Promise.resolve() : resumeWithWorkingToken(base, cadence, slack.app.client)
  )
    .then(() => cadence.catchUp())
    .catch((error) => log.error("catch-up failed", { error }));

  // Housekeeping, hourly, as a job: old request ids and finished jobs are forgotten.
  outbox.handle(housekeepingJobs, async () => {
    // Request and event ids are kept by the real clock: Slack's five minutes are real.
    await forgetOldRequestsBefore(backgroundDeps, new Date());
    await outbox.forgetOld();
    return undefined;
  });
  const housekeeping = new ScheduledJob(backgroundDeps, {
    name: "coo-housekeeping",
    cron: "17 * * * *",
    queue: housekeepingJobs,
    timers: options.timers ?? true,
  });
  await housekeeping.start();

  // Not needed to serve; done while the bot idles after start (decision 0034).
  const stopWarmUp = warmUpDateParsingInBackground();

  log.info("coo is running", {
    mode: config.slack.mode,
    port,
    database: database.kind,
    llm: llm ? llm.model : "off (rules only)",
    // Not secret: which key seals new tokens, to match against a report of a row no key opens.
    ...(keyring ? { encryptionKeyId: keyring.current.id } : {}),
  });

  return {
    port,
    database,
    slack,
    deps,
    cadence,
    sweeper,
    caughtUp,
    async stop() {
      stopWarmUp();
      await housekeeping.stop();
      await caughtUp;
      await cadence.stop();
      await sweeper.stop();
      await outbox.stop();
      await stopHttp();
      await database.close();
      log.info("coo stopped");
    },
  };
}
