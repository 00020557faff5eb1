import type { webApi } from "@slack/bolt";
import { isValidTimeZone } from "../clock.js";
import { personRow } from "../db/rows.js";
import { query, statement } from "../db/sql.js";
import type { Deps } from "../deps.js";
import { CooError, notFound } from "../errors.js";
import type { Person, PersonKind } from "../generated/prisma/client.js";
import { type Actor, adminFreshMs } from "../policy.js";

/** A profile read from Slack is trusted for a day for what it is used for most: a time zone and a name. */
const freshForMs = 24 * 3600 * 1000;

export type Profile = Person & { timeZone: string };

type PeopleDeps = Pick<Deps, "db" | "sql" | "clock" | "config" | "log">;

const readPerson = statement({
  name: "coo_person_by_slack_id",
  text: 'SELECT * FROM "Person" WHERE "workspaceId" = $1 AND "slackUserId" = $2',
  row: personRow,
});

/** Workspace time zones change rarely: read once a minute per database, not on every request. */
const zones = new WeakMap<object, Map<string, { at: number; zone: string | null }>>();

async function workspaceZone(db: Deps["db"], workspaceId: string): Promise<string | null> {
  const byWorkspace = zones.get(db) ?? new Map<string, { at: number; zone: string | null }>();
  zones.set(db, byWorkspace);
  const hit = byWorkspace.get(workspaceId);
  if (hit && Date.now() - hit.at < 60_000) return hit.zone;
  const workspace = await db.workspace.findUnique({ where: { id: workspaceId }, select: { timezone: true } });
  byWorkspace.set(workspaceId, { at: Date.now(), zone: workspace?.timezone ?? null });
  return workspace?.timezone ?? null;
}

type SlackUser = NonNullable<webApi.UsersInfoResponse["user"]>;

/**
 * What Slack's users.info says a person is, for this workspace. With an
 * org-wide install the workspace is the organisation, and anyone of it is a
 * member; a user whose team is another organisation's is external (Slack Connect).
 */
export function kindOf(user: SlackUser, workspaceId: string): PersonKind {
  if (user.deleted) return "deactivated";
  if (user.is_bot || user.id === "USLACKBOT" || user.is_app_user) return "bot";
  const teams = [user.team_id, user.enterprise_user?.enterprise_id, ...(user.enterprise_user?.teams ?? [])];
  if (user.team_id && !teams.includes(workspaceId)) return "external";
  if (user.is_restricted || user.is_ultra_restricted) return "guest";
  return "member";
}

const platformError = (error: unknown): string | undefined => {
  const e = error as { code?: string; data?: { error?: string } };
  return e?.code === "slack_webapi_platform_error" ? e.data?.error : undefined;
};

/** The Slack user does not exist here, or the bot cannot see them. */
export const unknownUser = (userId: string) =>
  notFound(
    `I can't find that person (\`${userId}\`) in this workspace. Mention someone who is here, picking them from Slack's @ list.`,
  );

/**
 * The person behind a Slack user id, with their time zone. Reads users.info
 * when the stored profile is missing or older than `maxAgeMs` (a day by
 * default). A user Slack does not know is refused and nothing is written. If
 * Slack cannot be reached, a stored profile is used; with none stored, the
 * person is recorded with what is known (the request came from Slack, so the
 * actor exists) unless `mustExist` asks for Slack's word.
 */
export async function profileOf(
  deps: PeopleDeps,
  client: webApi.WebClient,
  workspaceId: string,
  userId: string,
  options: { maxAgeMs?: number; mustExist?: boolean } = {},
): Promise<Profile> {
  const { db, clock, log } = deps;
  const now = clock.now();
  // Every command reads a profile: plain SQL keeps this off the ORM's per-query cost.
  let [person]: Array<Person | undefined> = await query(deps.sql, readPerson, [workspaceId, userId]);
  const maxAge = options.maxAgeMs ?? freshForMs;
  if (!person?.syncedAt || now.getTime() - person.syncedAt.getTime() > maxAge) {
    let user: SlackUser | undefined;
    try {
      user = (await client.users.info({ user: userId })).user;
    } catch (error) {
      const code = platformError(error);
      if (code === "user_not_found" || code === "user_not_visible") throw unknownUser(userId);
      log.warn("users.info failed; using what is stored", { user: userId, error: String(error) });
      if (!person && options.mustExist) {
        throw new CooError(
          "unavailable",
          "I couldn't check that person with Slack just now, so nothing was changed. Try again in a minute.",
        );
      }
      person ??= await db.person.upsert({
        where: { workspaceId_slackUserId: { workspaceId, slackUserId: userId } },
        create: { workspaceId, slackUserId: userId },
        update: {},
      });
    }
    if (user) {
      const tz = user.tz && isValidTimeZone(user.tz) ? user.tz : null;
      const kind = kindOf(user, workspaceId);
      const data = {
        displayName: user.profile?.display_name || user.real_name || user.name || null,
        timezone: tz,
        kind,
        // Only a full member can be an admin of this workspace.
        isAdmin: kind === "member" && Boolean(user.is_admin || user.is_owner),
        syncedAt: now,
      };
      person = await db.person.upsert({
        where: { workspaceId_slackUserId: { workspaceId, slackUserId: userId } },
        create: { workspaceId, slackUserId: userId, ...data },
        update: data,
      });
    }
  }
  if (!person) throw unknownUser(userId);
  return {
    ...person,
    timeZone: person.timezone ?? (await workspaceZone(db, workspaceId)) ?? deps.config.defaultTimeZone,
  };
}

/** Who a stored reference may point at: work and seats go to people of this workspace. */
export type Eligible = "work" | "seat";

/**
 * Someone named in a command (an owner, a seat holder, who a blocker waits on)
 * as Slack knows them now: a real person of this workspace, not a bot, not
 * deactivated, not from another organisation; for a seat, not a guest either.
 * Anything else is refused with why, before anything is written.
 */
export async function memberFor(
  deps: PeopleDeps,
  client: webApi.WebClient,
  workspaceId: string,
  userId: string,
  eligible: Eligible = "work",
): Promise<Profile> {
  // A seat is rare and carries power: ask Slack again unless the answer is a minute old.
  const maxAgeMs = eligible === "seat" ? adminFreshMs : undefined;
  const person = await profileOf(deps, client, workspaceId, userId, {
    mustExist: true,
    ...(maxAgeMs === undefined ? {} : { maxAgeMs }),
  });
  const who = `<@${userId}>`;
  const refusal: Partial<Record<PersonKind, string>> = {
    bot: `${who} is a bot; ${eligible === "seat" ? "seats go to people" : "work goes to people"}.`,
    deactivated: `${who} is deactivated in this workspace.`,
    external: `${who} belongs to another organisation; coo keeps this workspace's work for its own members.`,
    ...(eligible === "seat"
      ? { guest: `${who} is a guest here; the CEO, CFO and CTO seats go to full members of the workspace.` }
      : {}),
  };
  const why = refusal[person.kind];
  if (why) throw new CooError("bad_input", why);
  return person;
}

/**
 * The person acting on a request, able to read themselves from Slack again
 * when a permission turns on their admin flag (src/policy.ts).
 */
export async function actorFor(
  deps: PeopleDeps,
  client: webApi.WebClient,
  workspaceId: string,
  userId: string,
  maxAgeMs?: number,
): Promise<Actor> {
  const profile = await profileOf(
    deps,
    client,
    workspaceId,
    userId,
    maxAgeMs === undefined ? {} : { maxAgeMs },
  );
  const age = profile.syncedAt ? deps.clock.now().getTime() - profile.syncedAt.getTime() : Infinity;
  return {
    ...profile,
    fresh: age <= adminFreshMs,
    reload: () => actorFor(deps, client, workspaceId, userId, 0),
  };
}

/**
 * The people of a workspace as the use cases see them: Slack is behind this
 * port (users.info through the workspace's own client), so a use case asks
 * "who is this, and may they own work here" without knowing Slack.
 */
export type People = {
  /** Their time zone and name; read from Slack at most daily. */
  profile(workspaceId: string, userId: string): Promise<Profile>;
  /** A real, active person of this workspace, or a refusal saying why not. */
  member(workspaceId: string, userId: string, eligible?: Eligible): Promise<Profile>;
  /** Someone acting, able to be read again when a permission turns on their admin flag. */
  actor(workspaceId: string, userId: string): Promise<Actor>;
  /** Their Slack status as it is now (users.profile.get); undefined when Slack cannot say. */
  status(workspaceId: string, userId: string): Promise<SlackStatusNow | undefined>;
};

/** The status fields of a Slack profile: text, emoji, and when it expires (unix seconds, 0: never). */
export type SlackStatusNow = { status_text?: string; status_emoji?: string; status_expiration?: number };

export function peopleDirectory(deps: PeopleDeps & Pick<Deps, "slackFor">): People {
  return {
    profile: async (workspaceId, userId) =>
      profileOf(deps, await deps.slackFor(workspaceId), workspaceId, userId),
    member: async (workspaceId, userId, eligible) =>
      memberFor(deps, await deps.slackFor(workspaceId), workspaceId, userId, eligible),
    actor: async (workspaceId, userId) =>
      actorFor(deps, await deps.slackFor(workspaceId), workspaceId, userId),
    status: async (workspaceId, userId) => {
      try {
        const client = await deps.slackFor(workspaceId);
        const { profile } = await client.users.profile.get({ user: userId });
        if (!profile) return undefined;
        return {
          status_text: profile.status_text ?? "",
          status_emoji: profile.status_emoji ?? "",
          status_expiration: profile.status_expiration ?? 0,
        };
      } catch (error) {
        deps.log.warn("users.profile.get failed; keeping the status last read", {
          user: userId,
          error: String(error),
        });
        return undefined;
      }
    },
  };
}
