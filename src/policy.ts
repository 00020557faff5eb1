import { forbidden, notFound } from "./errors.js";
import type { Person, Seat } from "./generated/prisma/client.js";
import { formatId } from "./ledger/ids.js";
import type { Profile } from "./people/people.js";
import { mention } from "./slack/mentions.js";

/**
 * Who may do what: the one place that answers it, with one set of refusal
 * texts (docs/decisions/0012-permissions.md).
 *
 * - A *member* may change what is theirs: commitments they own or recorded,
 *   blockers they raised or that wait on them, handoffs they are on, cadences
 *   they set up, workstreams they own.
 * - An *executive* (a seated CEO, CFO or CTO) and a workspace *admin* (Slack's
 *   own is_admin or is_owner, read fresh) may change anyone's items, cadences
 *   and this workspace's settings.
 * - Only an admin seats and unseats executives; a holder may step down.
 * - Only the seated CEO makes bets (an admin, while no CEO is seated).
 * - A private handoff is seen only by the people on it.
 * Guests, bots and people of other organisations are never privileged.
 * A bet's plan is drafted and confirmed by the CEO, an admin or another executive.
 * Data out (docs/decisions/0029-data-out.md): an executive or an admin exports
 * anyone's work in the workspace; anyone else exports only their own; API
 * tokens (which read the whole workspace) are made and revoked by admins and
 * executives only.
 */
export type Act =
  | { kind: "change_commitment"; commitment: { ownerId: string; creatorId: string; number: number } }
  | { kind: "own_commitment"; commitment: { ownerId: string; number: number } }
  | { kind: "resolve_blocker"; blocker: { reporterId: string; waitingOnId: string | null; number: number } }
  | { kind: "close_handoff"; handoff: HandoffParties }
  | { kind: "share_handoff"; handoff: HandoffParties }
  | { kind: "change_cadence"; cadence: { createdById: string; number: number } }
  | { kind: "skip_day"; cadences: Array<{ createdById: string }> }
  | { kind: "change_workstream"; workstream: { ownerId: string; name: string } }
  /** `setting` names it in the refusal: "how work is escalated". */
  | { kind: "change_settings"; setting: string }
  /** Picking bets is the CEO's call: the seated CEO, or an admin while the seat is empty. */
  | { kind: "make_bet"; ceoId: string | undefined }
  | { kind: "assign_seat"; seat: Seat }
  | { kind: "vacate_seat"; seat: Seat; holderId: string }
  /** Breaking a bet into workstreams, owners and dates: the CEO, or an admin or another executive. */
  | { kind: "plan_bet"; bet: { number: number }; ceoId: string | undefined }
  /** `personId` undefined: everyone's work in the workspace. */
  | { kind: "export_data"; personId: string | undefined }
  | { kind: "manage_api_tokens" }
  /** Someone's working days, hours or holidays: their own, or anyone's for an admin or a seat. */
  | { kind: "change_availability"; personId: string };

export type HandoffParties = {
  number: number;
  reporterId: string;
  fromId: string | null;
  toId: string | null;
  shared: boolean;
};

/** An admin's power is read fresh from Slack when a decision turns on it. */
export const adminFreshMs = 60_000;

export type Actor = Profile & {
  /** Read from Slack within the last `adminFreshMs`. */
  fresh: boolean;
  /** The same person, read from Slack again (admin flags change). */
  reload(): Promise<Actor>;
};

const isAdmin = (p: Person) => p.kind === "member" && p.isAdmin;
const isExecutive = (p: Person) => p.kind === "member" && p.seat !== null;
export const isPrivileged = (p: Person) => isAdmin(p) || isExecutive(p);

type Decision = { allowed: true } | { allowed: false; refusal: string };
const yes: Decision = { allowed: true };
const no = (refusal: string): Decision => ({ allowed: false, refusal });

/** Pure: may this person do this? */
export function decide(actor: Person, act: Act): Decision {
  const me = actor.slackUserId;
  const anyone = "a workspace admin or the CEO, CFO or CTO";
  switch (act.kind) {
    case "change_commitment": {
      const c = act.commitment;
      if (me === c.ownerId || me === c.creatorId || isPrivileged(actor)) return yes;
      return no(
        `Only ${mention(c.ownerId)} (the owner), ${mention(c.creatorId)} (who recorded it), ${anyone} can change ${formatId("commitment", c.number)}. Ask one of them.`,
      );
    }
    case "own_commitment": {
      const c = act.commitment;
      if (me === c.ownerId) return yes;
      return no(
        `Only ${mention(c.ownerId)} can do that for ${formatId("commitment", c.number)}: it is their commitment.`,
      );
    }
    case "resolve_blocker": {
      const b = act.blocker;
      if (me === b.reporterId || me === b.waitingOnId || isPrivileged(actor)) return yes;
      return no(
        `Only ${mention(b.reporterId)} (who raised it)${b.waitingOnId ? `, ${mention(b.waitingOnId)}` : ""}, ${anyone} can resolve ${formatId("blocker", b.number)}.`,
      );
    }
    case "close_handoff": {
      const h = act.handoff;
      if (onHandoff(me, h) || (h.shared && isPrivileged(actor))) return yes;
      return no(`Only the people on ${formatId("handoff", h.number)}, ${anyone} can close it.`);
    }
    case "share_handoff": {
      const h = act.handoff;
      if (me === h.reporterId) return yes;
      return no(
        `Only ${mention(h.reporterId)}, who told me about ${formatId("handoff", h.number)}, can share it.`,
      );
    }
    case "change_cadence": {
      const c = act.cadence;
      if (me === c.createdById || isPrivileged(actor)) return yes;
      return no(
        `Only ${mention(c.createdById)} (who set it up), an admin or the CEO, CFO or CTO can change ${formatId("cadence", c.number)}.`,
      );
    }
    case "skip_day": {
      if (isPrivileged(actor) || act.cadences.every((c) => c.createdById === me)) return yes;
      const owners = [...new Set(act.cadences.map((c) => c.createdById))].map(mention).join(", ");
      return no(
        `Only whoever set up this channel's cadences (${owners}), an admin or the CEO, CFO or CTO can skip or restore a day here.`,
      );
    }
    case "change_workstream": {
      const w = act.workstream;
      if (me === w.ownerId || isPrivileged(actor)) return yes;
      return no(`#${w.name} belongs to ${mention(w.ownerId)}; only they, ${anyone} can hand it over.`);
    }
    case "change_settings":
      if (isPrivileged(actor)) return yes;
      return no(`Only ${anyone} can change ${act.setting}.`);
    case "make_bet":
      if (act.ceoId) {
        if (me === act.ceoId && isExecutive(actor)) return yes;
        return no(
          `Picking the bets is the CEO's call, and coo carries them out: ask ${mention(act.ceoId)} to record it with \`/coo bet <what> by <when>\`.`,
        );
      }
      if (isAdmin(actor)) return yes;
      return no(
        "Picking the bets is the CEO's call, and coo carries them out, but no CEO is seated yet. A workspace admin can seat one (`/coo seat ceo @name`), or record the bet until then.",
      );
    case "assign_seat":
      if (isAdmin(actor)) return yes;
      return no(
        `Only a workspace admin can seat the ${act.seat.toUpperCase()}: seats decide who hears about the mission, the money and the architecture. Ask an admin to run \`/coo seat ${act.seat} @name\`.`,
      );
    case "vacate_seat":
      if (isAdmin(actor) || me === act.holderId) return yes;
      return no(
        `Only ${mention(act.holderId)} (who holds it) or a workspace admin can free the ${act.seat.toUpperCase()} seat.`,
      );
    case "change_availability":
      if (me === act.personId || isPrivileged(actor)) return yes;
      return no(
        `Only ${mention(act.personId)} (for themselves), ${anyone} can change when ${mention(act.personId)} works.`,
      );
    case "plan_bet": {
      if (isPrivileged(actor)) return yes;
      const bet = formatId("bet", act.bet.number);
      return no(
        `Planning ${bet} is for the CEO${act.ceoId ? ` (${mention(act.ceoId)})` : ""}, an admin or the CFO or CTO: ask them to run \`/coo plan ${bet}\`.`,
      );
    }
    case "export_data":
      if (act.personId === me || isPrivileged(actor)) return yes;
      return no(
        act.personId
          ? `Only ${mention(act.personId)} or ${anyone} can export their work. \`/coo export commitments\` exports yours.`
          : `Only ${anyone} can export everyone's work. \`/coo export commitments for ${mention(me)}\` exports yours.`,
      );
    case "manage_api_tokens":
      if (isPrivileged(actor)) return yes;
      return no(`Only ${anyone} can make or revoke API tokens: a token reads the whole workspace.`);
  }
}

const onHandoff = (userId: string, h: HandoffParties) =>
  userId === h.reporterId || userId === h.fromId || userId === h.toId;

/** A private handoff is seen only by the people on it; to anyone else it does not exist. */
export function maySeeHandoff(userId: string | undefined, h: HandoffParties): boolean {
  return h.shared || (userId !== undefined && onHandoff(userId, h));
}

export const handoffNotFound = (number: number) =>
  notFound(
    `There is no handoff ${formatId("handoff", number)} here. \`/coo handoffs\` lists the open ones you can see.`,
  );

/**
 * Refuses with the policy's own words unless the actor may. A decision that
 * could turn on the actor's admin flag is taken on Slack's current answer:
 * a stale profile is read again first, so a revoked admin loses the power and
 * a new one gains it within a minute.
 */
export async function authorize(actor: Actor, act: Act): Promise<Actor> {
  let decision = decide(actor, act);
  const turnsOnAdmin = decision.allowed
    ? isAdmin(actor) && !decide({ ...actor, isAdmin: false }, act).allowed
    : true;
  let current = actor;
  if (turnsOnAdmin && !actor.fresh) {
    current = await actor.reload();
    decision = decide(current, act);
  }
  if (!decision.allowed) throw forbidden(decision.refusal);
  return current;
}
