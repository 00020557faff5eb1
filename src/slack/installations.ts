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
import { CooError } from "../errors.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Log } from "../log.js";
import { type Keyring, open, seal, sealedKeyId, UnreadableSecret } from "../secrets.js";

export const botScopes = [
  "app_mentions:read",
  "channels:history",
  "channels:join",
  "channels:read",
  "chat:write",
  "commands",
  "files:write",
  "groups:history",
  "groups:read",
  "im:history",
  "im:write",
  "users:read",
  // users.profile.get: a person's status, read as leave (src/availability/).
  "users.profile:read",
];

const keyOf = (q: {
  isEnterpriseInstall?: boolean;
  enterpriseId?: string | undefined;
  teamId?: string | undefined;
}) => (q.isEnterpriseInstall && q.enterpriseId ? q.enterpriseId : (q.teamId ?? q.enterpriseId ?? ""));

/** Where each sealed value lives: a ciphertext moved to another row or column does not open. */
const contextOf = (id: string, field: "botToken" | "data") => `installation:${id}:${field}`;

type StoredRow = { id: string; botToken: string; data: Prisma.JsonValue };

/** What the database keeps of an installation: the bot token and Slack's whole installation object, each sealed. */
function sealedRow(keyring: Keyring, id: string, botToken: string, installation: Installation) {
  return {
    botToken: seal(keyring, botToken, contextOf(id, "botToken")),
    data: { sealed: seal(keyring, JSON.stringify(installation), contextOf(id, "data")) },
  };
}

const sealedData = (data: Prisma.JsonValue): string | undefined =>
  data !== null && typeof data === "object" && !Array.isArray(data) && typeof data.sealed === "string"
    ? data.sealed
    : undefined;

/** The row's installation; throws UnreadableSecret when no configured key opens it. */
function openData(keyring: Keyring, row: StoredRow): Installation {
  const sealed = sealedData(row.data);
  if (!sealed) throw new UnreadableSecret("malformed", undefined);
  return JSON.parse(open(keyring, sealed, contextOf(row.id, "data"))) as Installation;
}

const openBotToken = (keyring: Keyring, row: StoredRow) =>
  open(keyring, row.botToken, contextOf(row.id, "botToken"));

/** Told to whoever acts in a workspace whose installation no configured key opens. */
const unreadableMessage =
  "coo cannot read this workspace's stored Slack credentials: they were encrypted with a key it no longer has, so nothing was done. Whoever runs coo can fix it by adding that key to COO_ENCRYPTION_OLD_KEYS, or by installing coo again from /slack/install.";

/** What the operator can do, by why a row did not open. */
const fixFor: Record<UnreadableSecret["reason"], (keyId: string | undefined) => string> = {
  unknown_key: (keyId) =>
    `add the key it was sealed with (id ${keyId}) to COO_ENCRYPTION_OLD_KEYS and restart, or have the workspace install coo again; until then coo does nothing in that workspace`,
  tampered: () =>
    "the stored value was altered or copied from another row: have the workspace install coo again; until then coo does nothing in that workspace",
  malformed: () =>
    "it is not sealed (written by an older coo while this one ran?): restart coo to seal it, or have the workspace install coo again",
};

/** Logs which installation cannot be opened and what to do about it (never the value itself). */
function reportUnreadable(log: Log, id: string, error: UnreadableSecret): void {
  log.error("a stored installation cannot be decrypted", {
    installation: id,
    keyId: error.keyId,
    why: error.reason,
    fix: fixFor[error.reason](error.keyId),
  });
}

function unreadable(log: Log, id: string, error: UnreadableSecret): CooError {
  reportUnreadable(log, id, error);
  return new CooError("unavailable", unreadableMessage, { cause: error });
}

/** Installations kept in our own database, so every replica sees every workspace; tokens sealed (see secrets.ts). */
export function prismaInstallationStore(
  db: Db,
  keyring: Keyring,
  log: Log,
  onStored: (workspaceId: string) => Promise<void> = async () => {},
): InstallationStore {
  return {
    async storeInstallation(installation: Installation) {
      const id = installation.isEnterpriseInstall ? installation.enterprise?.id : installation.team?.id;
      if (!id || !installation.bot?.token)
        throw new Error("an installation without a workspace or a bot token");
      const row = {
        ...sealedRow(keyring, id, installation.bot.token, installation),
        botUserId: installation.bot.userId ?? null,
        installerUserId: installation.user?.id ?? null,
      };
      await db.installation.upsert({ where: { id }, create: { id, ...row }, update: row });
      // The install succeeded either way; what follows from it is best effort.
      await onStored(id).catch((error) =>
        log.warn("could not resume a workspace after its install", { workspace: id, error: String(error) }),
      );
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const row = await db.installation.findUnique({ where: { id: keyOf(query) } });
      if (!row) throw new Error(`no installation for ${keyOf(query)}`);
      try {
        return openData(keyring, row);
      } catch (error) {
        if (error instanceof UnreadableSecret) throw unreadable(log, row.id, error);
        throw error;
      }
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      await db.installation.deleteMany({ where: { id: keyOf(query) } });
    },
  };
}

/**
 * At start: seals again, under the current key, every installation still
 * sealed under an old key or still in plain text (written before coo sealed
 * tokens). Reports each one no configured key opens, and leaves it as it is.
 * Replicas starting together do not undo each other: a row is only rewritten
 * if it is still what this process read.
 */
export async function resealInstallations(db: Db, keyring: Keyring, log: Log): Promise<void> {
  const rows = await db.installation.findMany({ select: { id: true, botToken: true, data: true } });
  let fromOldKeys = 0;
  let fromPlainText = 0;
  for (const row of rows) {
    const current = keyring.current.id;
    const dataSealed = sealedData(row.data);
    const tokenKey = sealedKeyId(row.botToken);
    if (tokenKey === current && dataSealed && sealedKeyId(dataSealed) === current) continue;
    const plain = tokenKey === undefined || dataSealed === undefined;
    let botToken: string;
    let installation: Installation;
    try {
      botToken = tokenKey === undefined ? row.botToken : openBotToken(keyring, row);
      installation =
        dataSealed === undefined ? (row.data as unknown as Installation) : openData(keyring, row);
    } catch (error) {
      if (!(error instanceof UnreadableSecret)) throw error;
      reportUnreadable(log, row.id, error);
      continue;
    }
    const { count } = await db.installation.updateMany({
      where: { id: row.id, botToken: row.botToken },
      data: sealedRow(keyring, row.id, botToken, installation),
    });
    if (count === 0) continue;
    if (plain) fromPlainText++;
    else fromOldKeys++;
  }
  if (fromOldKeys + fromPlainText > 0)
    log.info("stored tokens re-encrypted with the current key", {
      installations: fromOldKeys + fromPlainText,
      fromOldKeys,
      fromPlainText,
    });
}

export function installer(
  config: NonNullable<Config["slack"]["oauth"]>,
  store: InstallationStore,
  apiUrl: string | undefined,
  logger: Logger,
): InstallProvider {
  return new InstallProvider({
    logger,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    stateSecret: config.stateSecret,
    installationStore: store,
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
  keyring: Keyring | undefined;
  log: Log;
  single: WebClient;
  clientOptions: ConstructorParameters<typeof WebClient>[1];
}): (workspaceId: string, use?: "outbox") => Promise<WebClient> {
  const outboxOptions = { ...options.clientOptions, rejectRateLimitedCalls: true };
  const pair = (token: string | undefined, client?: WebClient) => ({
    plain: client ?? new WebClient(token, options.clientOptions),
    outbox: new WebClient(token, outboxOptions),
  });
  const { keyring } = options;
  if (!options.config.slack.oauth || !keyring) {
    const single = pair(options.config.slack.botToken, options.single);
    return async (_workspaceId, use) => (use === "outbox" ? single.outbox : single.plain);
  }
  const cache = new Map<string, { at: number; clients: ReturnType<typeof pair> }>();
  return async (workspaceId, use) => {
    let hit = cache.get(workspaceId);
    if (!hit || Date.now() - hit.at >= 60_000) {
      const row = await options.db.installation.findUnique({ where: { id: workspaceId } });
      if (!row) throw new Error(`coo is not installed in ${workspaceId}`);
      let token: string;
      try {
        token = openBotToken(keyring, row);
      } catch (error) {
        if (error instanceof UnreadableSecret) throw unreadable(options.log, row.id, error);
        throw error;
      }
      hit = { at: Date.now(), clients: pair(token) };
      cache.set(workspaceId, hit);
    }
    return use === "outbox" ? hit.clients.outbox : hit.clients.plain;
  };
}
