import type { webApi } from "@slack/bolt";
import { isValidTimeZone } from "../clock.js";
import type { Deps } from "../deps.js";
import type { Person } from "../generated/prisma/client.js";

/** A profile read from Slack is trusted for a day; time zones and admin flags change rarely. */
const freshForMs = 24 * 3600 * 1000;

export type Profile = Person & { timeZone: string };

const readPerson = {
  name: "coo_person_by_slack_id",
  text: 'SELECT * FROM "Person" WHERE "workspaceId" = $1 AND "slackUserId" = $2',
};

/**
 * The person behind a Slack user id, with their time zone. Reads users.info
 * when the stored profile is missing or stale; if Slack cannot be reached the
 * stored profile (or the workspace default zone) is used rather than failing
 * the user's request.
 */
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

export async function profileOf(
  deps: Pick<Deps, "db" | "sql" | "clock" | "config" | "log">,
  client: webApi.WebClient,
  workspaceId: string,
  userId: string,
): Promise<Profile> {
  const { db, clock, log } = deps;
  const now = clock.now();
  // Every command reads a profile: plain SQL keeps this off the ORM's per-query cost.
  let [person] = await deps.sql<Person>(readPerson, [workspaceId, userId]);
  if (!person?.syncedAt || now.getTime() - person.syncedAt.getTime() > freshForMs) {
    try {
      const info = await client.users.info({ user: userId });
      const user = info.user;
      const tz = user?.tz && isValidTimeZone(user.tz) ? user.tz : null;
      const data = {
        displayName: user?.profile?.display_name || user?.real_name || user?.name || null,
        timezone: tz,
        isAdmin: Boolean(user?.is_admin || user?.is_owner),
        syncedAt: now,
      };
      person = await db.person.upsert({
        where: { workspaceId_slackUserId: { workspaceId, slackUserId: userId } },
        create: { workspaceId, slackUserId: userId, ...data },
        update: data,
      });
    } catch (error) {
      log.warn("users.info failed; using what is stored", { user: userId, error: String(error) });
      person ??= await db.person.upsert({
        where: { workspaceId_slackUserId: { workspaceId, slackUserId: userId } },
        create: { workspaceId, slackUserId: userId },
        update: {},
      });
    }
  }
  return {
    ...person,
    timeZone: person.timezone ?? (await workspaceZone(db, workspaceId)) ?? deps.config.defaultTimeZone,
  };
}

/** Seated humans (CEO, CFO, CTO) and workspace admins may change anyone's items. */
export const isPrivileged = (person: Person) => person.isAdmin || person.seat !== null;
