import type { webApi } from "@slack/bolt";
import type { ChangeFeed } from "./changes.js";
import type { Clock } from "./clock.js";
import type { Config } from "./config.js";
import type { Db } from "./db/open.js";
import type { Sql } from "./db/sql.js";
import type { Outbox } from "./jobs/outbox.js";
import type { Llm } from "./llm/client.js";
import type { Log } from "./log.js";
import type { Metrics } from "./metrics.js";
import type { People } from "./people/people.js";
import type { Persona } from "./persona/load.js";
import type { Channels } from "./slack/channels.js";

/** What every feature gets from the composition root. */
export type Deps = {
  config: Config;
  db: Db;
  /** Plain SQL for the few paths that run on every request (see db/sql.ts). */
  sql: Sql;
  log: Log;
  clock: Clock;
  persona: Persona;
  /** Undefined when no ANTHROPIC_API_KEY is set: features use their rules. */
  llm: Llm | undefined;
  /** Who was touched by a change to the ledger; views subscribe to refresh. */
  changes: ChangeFeed;
  /** Every side effect in Slack that is not a direct reply goes through here. */
  outbox: Outbox;
  metrics: Metrics;
  /** The Web API client for a workspace, for work no request started. */
  slackFor: (workspaceId: string) => Promise<webApi.WebClient>;
  /** The people of a workspace, with Slack behind the port (use cases ask here). */
  people: People;
  /** A workspace's channels (who is in one, joining one, links to messages), with Slack behind the port. */
  channels: Channels;
};
