import type { Logger } from "@slack/bolt";
import {
  type Installation,
  type InstallationQuery,
  type InstallationStore,
  InstallProvider,
} from "@slack/oauth";
import { WebClient } from "@slack/web-api";
import type { Config } from "../config.js";
import type { Db } from "../db/open.js";
import type { Prisma } from "../generated/prisma/client.js";

export const botScopes = [
  "app_mentions:read",
  "channels:history",
  "channels:read",
  "chat:write",
  "commands",
  "groups:history",
  "groups:read",
  "im:history",
  "im:read",
  "im:write",
  "mpim:write",
  "users:read",
];

const keyOf = (q: {
  isEnterpriseInstall?: boolean;
  enterpriseId?: string | undefined;
  teamId?: string | undefined;
}) => (q.isEnterpriseInstall && q.enterpriseId ? q.enterpriseId : (q.teamId ?? q.enterpriseId ?? ""));

/** Installations kept in our own database, so every replica sees every workspace. */
export function prismaInstallationStore(db: Db): InstallationStore {
  return {
    async storeInstallation(installation: Installation) {
      const id = installation.isEnterpriseInstall ? installation.enterprise?.id : installation.team?.id;
      if (!id || !installation.bot?.token)
        throw new Error("an installation without a workspace or a bot token");
      const row = {
        botToken: installation.bot.token,
        botUserId: installation.bot.userId ?? null,
        installerUserId: installation.user?.id ?? null,
        data: installation as unknown as Prisma.InputJsonValue,
      };
      await db.installation.upsert({ where: { id }, create: { id, ...row }, update: row });
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const row = await db.installation.findUnique({ where: { id: keyOf(query) } });
      if (!row) throw new Error(`no installation for ${keyOf(query)}`);
      return row.data as unknown as Installation;
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      await db.installation.deleteMany({ where: { id: keyOf(query) } });
    },
  };
}

export function installer(
  config: NonNullable<Config["slack"]["oauth"]>,
  db: Db,
  apiUrl: string | undefined,
  logger: Logger,
): InstallProvider {
  return new InstallProvider({
    logger,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    stateSecret: config.stateSecret,
    installationStore: prismaInstallationStore(db),
    directInstall: true,
    installUrlOptions: { scopes: botScopes, redirectUri: undefined },
    ...(apiUrl ? { clientOptions: { slackApiUrl: apiUrl } } : {}),
  });
}

/**
 * A Web API client for one workspace, for work no request started (cadences,
 * App Home refreshes, and the outbox): the single bot token, or the
 * workspace's installation when coo is installed through OAuth.
 *
 * The outbox gets its own client: it paces each channel and honours
 * Retry-After itself, so its client hands a 429 straight back. Left to
 * itself, a Web API client pauses every call it makes (all channels) until
 * Retry-After has passed, and retries inside the call.
 */
export function workspaceClients(options: {
  config: Config;
  db: Db;
  single: WebClient;
  clientOptions: ConstructorParameters<typeof WebClient>[1];
}): (workspaceId: string, use?: "outbox") => Promise<WebClient> {
  const outboxOptions = { ...options.clientOptions, rejectRateLimitedCalls: true };
  const pair = (token: string | undefined, client?: WebClient) => ({
    plain: client ?? new WebClient(token, options.clientOptions),
    outbox: new WebClient(token, outboxOptions),
  });
  if (!options.config.slack.oauth) {
    const single = pair(options.config.slack.botToken, options.single);
    return async (_workspaceId, use) => (use === "outbox" ? single.outbox : single.plain);
  }
  const cache = new Map<string, { at: number; clients: ReturnType<typeof pair> }>();
  return async (workspaceId, use) => {
    let hit = cache.get(workspaceId);
    if (!hit || Date.now() - hit.at >= 60_000) {
      const row = await options.db.installation.findUnique({ where: { id: workspaceId } });
      if (!row) throw new Error(`coo is not installed in ${workspaceId}`);
      hit = { at: Date.now(), clients: pair(row.botToken) };
      cache.set(workspaceId, hit);
    }
    return use === "outbox" ? hit.clients.outbox : hit.clients.plain;
  };
}
