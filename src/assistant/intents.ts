import * as chrono from "chrono-node";
import { z } from "zod";
import { featuresOf, probabilitiesOf } from "../text/features.js";
import { normalise as normaliseForRouting } from "../text/normalise.js";
import { intentModel } from "./intent-model.js";

/*
 * What a plain-language operations message asks for, read by rules (no key,
 * or Claude failed). The result is one of a fixed set of intents with typed
 * slots: nothing a person types chooses an action outside it. Claude's tools
 * (tools.ts) fill the same shapes, checked by the same schemas.
 */

export const intentNames = [
  "my_plate",
  "person_work",
  "did_happen",
  "who_owns",
  "who_covers",
  "blocking",
  "slipped",
  "at_risk",
  "next_cadence",
  "redate",
  "reassign",
  "mark_done",
  "drop",
  "raise_blocker",
  "record_commitment",
  "remind_me",
] as const;
export type IntentName = (typeof intentNames)[number];

export const userId = z.string().regex(/^[UW][A-Z0-9]{1,20}$/);
const words = z.array(z.string().min(1).max(40)).max(12);
const when = z.string().min(1).max(80);

/** Which commitment a change is about: its number (C12), or words of its title (and whose it is). */
export const itemRef = z.union([
  z.object({ number: z.number().int().positive() }).strict(),
  z.object({ words: words.min(1), ownerId: userId.optional() }).strict(),
]);
export type ItemRef = z.infer<typeof itemRef>;

export const intentSchema = z.discriminatedUnion("name", [
  z.object({ name: z.literal("my_plate"), span: z.enum(["today", "tomorrow", "week", "all"]) }).strict(),
  z.object({ name: z.literal("person_work"), userId }).strict(),
  z.object({ name: z.literal("did_happen"), words: words.min(1), ownerId: userId.optional() }).strict(),
  z.object({ name: z.literal("who_owns"), words }).strict(),
  z.object({ name: z.literal("who_covers"), userId }).strict(),
  z.object({ name: z.literal("blocking"), words }).strict(),
  z.object({ name: z.literal("slipped"), words }).strict(),
  z.object({ name: z.literal("at_risk") }).strict(),
  z
    .object({ name: z.literal("next_cadence"), kind: z.enum(["standup", "review", "planning"]).optional() })
    .strict(),
  z
    .object({ name: z.literal("redate"), item: itemRef, when, reason: z.string().max(200).optional() })
    .strict(),
  z.object({ name: z.literal("reassign"), item: itemRef, to: userId }).strict(),
  z.object({ name: z.literal("mark_done"), item: itemRef }).strict(),
  z.object({ name: z.literal("drop"), item: itemRef }).strict(),
  z
    .object({
      name: z.literal("raise_blocker"),
      what: z.string().min(1).max(500),
      waitingOn: userId.optional(),
    })
    .strict(),
  z
    .object({
      name: z.literal("record_commitment"),
      title: z.string().min(1).max(300),
      when,
      ownerId: userId.optional(),
    })
    .strict(),
  z.object({ name: z.literal("remind_me"), what: z.string().min(1).max(300), when }).strict(),
]);
export type Intent = z.infer<typeof intentSchema>;

/** The intents that change something: each becomes a proposal with Confirm and Cancel. */
export const changeIntents = [
  "redate",
  "reassign",
  "mark_done",
  "drop",
  "raise_blocker",
  "record_commitment",
  "remind_me",
] as const satisfies readonly IntentName[];
export type ChangeIntent = Extract<Intent, { name: (typeof changeIntents)[number] }>;
export const isChange = (i: Intent): i is ChangeIntent =>
  (changeIntents as readonly string[]).includes(i.name);

// ---------------------------------------------------------------- reading

/** Slack markup made plain, lower case, accents off; people kept as `@U123`. */
export function normalise(text: string): string {
  return text
    .replace(/<@([UW][A-Z0-9]+)(\|[^>]*)?>/g, " @$1 ")
    .replace(/<#[A-Z0-9]+\|([^>]*)>/g, " #$1 ")
    .replace(/<(https?:[^|>]+)\|([^>]*)>/g, " $2 ")
    .replace(/<[^>]*>/g, " ")
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[’‘]/g, "'")
    .toLowerCase()
    .replace(/\bpls\b/g, "please")
    .replace(/\btmrw\b|\btmw\b|\btmr\b|\b2morrow\b/g, "tomorrow")
    .replace(/\b(by |before )?eod\b/g, "5pm today")
    .replace(/\b(by |before )?eow\b/g, "friday")
    .replace(/\bwht\b|\bwat\b/g, "what")
    .replace(/\bb4\b/g, "before")
    .replace(/\bnxt\b/g, "next")
    .replace(/\btues\b/g, "tuesday")
    .replace(/\bthurs\b/g, "thursday")
    .replace(/\b(rn|atm)\b/g, "now")
    .replace(/\btil\b/g, "until")
    .replace(/\bcant\b/g, "can't")
    .replace(/\bporfa(vor)?\b|\bpor favor\b|\bbitte\b|\bs'il te plait\b/g, "please")
    .replace(/\bw\/e\b|\bwk\b/g, "week")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^(hey|hi|hello|ok|yo|quick one|coo)\b[\s,:!-]*/, "");
}

const stop = new Set(
  "what whats what's who whos who's when where why how is are was were the a an of for on in to by this that these those it its our we us me my i you your do does did any anything anyone owns own owner owning due status eta week next today tomorrow now right still yet there about please can could would should will with from and or but at be been being has have had get got going send sent sending finish finished done ship shipped mark marked drop dropped push move pushed moved reassign give hand over happen happened already item task thing work working up plate list blocking blocked holding held stuck slipped slip late overdue risk covering cover picks pick leave away out ooo pto vacation hey hi coo team point dri charge responsible anyone someone her his their him them she he they can we overloaded swamped instead change date deadline need needs set new commitment commitments open everything shift bump delay postpone reschedule extend scrap kill cancel abandon remove delete withdraw que qui quoi est-ce est les des une pour avec dans sur el los las del por para con una uno esta este os um uma do da dos das em no na der die das den dem ein eine und ist mit fur von auf bei mir wer kummert sich quien quem qui let let's".split(
    " ",
  ),
);

/** The words that name the item ("vendor shortlist"), people and ids left out. */
export function itemWords(plain: string): string[] {
  return [
    ...new Set(
      plain
        .replace(/@[uw][a-z0-9]+/g, " ")
        .replace(/[^\p{L}\p{N}\s-]/gu, " ")
        .split(/\s+/)
        .filter((w) => w.length >= 3 && !stop.has(w) && !/^c\d+$/.test(w)),
    ),
  ].slice(0, 8);
}

const mentioned = (plain: string) =>
  [...plain.matchAll(/@([uw][a-z0-9]+)/g)].map((m) => (m[1] ?? "").toUpperCase());

/** The first date phrase in `text` and where it starts, as typed. */
export function datePhrase(text: string): { typed: string; index: number } | undefined {
  for (const parser of [chrono, chrono.de, chrono.fr, chrono.es, chrono.pt]) {
    const [found] = parser.parse(text, new Date(), { forwardDate: true });
    if (found) return { typed: found.text.replace(/[\s,;.!?]+$/, ""), index: found.index };
  }
  // What chrono leaves: "the 15th", "end of month", "after the holidays", "two more days".
  const loose =
    /\b(the )?\d{1,2}(st|nd|rd|th)\b|\bend of (the )?(month|week|quarter|sprint)\b|\bafter the (holidays|break|launch)\b|\b(another|one more|two more|a few more|(\d|a couple of) more) (days?|weeks?)\b/.exec(
      text,
    );
  return loose ? { typed: loose[0], index: loose.index } : undefined;
}

/** Names people go by ("sam"), matched to members by the caller; here only the words. */
export type NameLookup = (name: string) => string | undefined;

const spanOf = (p: string) =>
  /\b(tomorrow|manana|demain|morgen|amanha)\b/.test(p)
    ? "tomorrow"
    : /\b(today|this morning|hoy|aujourd'hui|heute|hoje)\b/.test(p)
      ? "today"
      : /\b(week|semana|semaine|woche)\b/.test(p)
        ? "week"
        : "all";

const cadenceKind = (p: string) =>
  /\breview\b/.test(p)
    ? "review"
    : /\bplanning\b/.test(p)
      ? "planning"
      : /\bstand-?up\b/.test(p)
        ? "standup"
        : undefined;

/** The words that say "done" or "drop" (normalised text), left out of the item's name. */
const changeVerbs = {
  mark_done:
    /\b(done|finished|complete[d]?|shipped|delivered|wrapped( up)?|landed|merged|live|closed|resolved|sorted|tick\w*|check(ed)? off|fertig|listo|pronto|fini|termine)\b/g,
  drop: /\b(drop|cancel\w*|scrap|kill|shelve[d]?|park|deprioriti[sz]e|nix|bin|axe|descart\w*|abandon\w*|streich\w*|annul\w*)\b/g,
} as const;

/** Intents a model finds likely enough for a message, with their probabilities, most likely first. */
export type IntentGuess = (text: string) => Array<{ name: IntentName; p: number }>;

/**
 * The trained intent model (intent-model.ts, from scripts/train-intents.ts) over the routing's
 * features: the intents at or above the model's least probability.
 */
export const guessIntent: IntentGuess = (text) => {
  const p = probabilitiesOf(
    intentModel.intents.map((_, k) => intentModel.bias[k] ?? 0),
    featuresOf(normaliseForRouting(text)),
    intentModel.weights,
  );
  return intentModel.intents
    .map((name, k) => ({ name, p: p[k] ?? 0 }))
    .filter((g) => g.p >= intentModel.minP)
    .sort((a, b) => b.p - a.p);
};

const question = (p: string) =>
  /\?\s*$/.test(p) ||
  /^(what|whats|what's|who|whos|who's|when|where|did|has|have|is|are|was|any|how|which)\b/.test(p);

/** What every reading of a message starts from: its plain text, the people in it, the item it names. */
function reading(text: string, nameOf: NameLookup, askerId?: string) {
  const p = normalise(text);
  const people = mentioned(p);
  const named = () => {
    for (const w of p.replace(/[^\p{L}\s']/gu, " ").split(/\s+/)) {
      const id = nameOf(w.replace(/'s$/, ""));
      if (id) return id;
    }
    return undefined;
  };
  const person = () => people[0] ?? named();
  const me = /\b(i'?m|i am|i'?ll be|my|me)\b/.test(p) ? askerId : undefined;
  const number = /\bc(\d{1,7})\b/.exec(p)?.[1];
  const item = (words: string[], ownerId?: string): ItemRef | undefined =>
    number
      ? { number: Number(number) }
      : words.length
        ? { words, ...(ownerId ? { ownerId } : {}) }
        : undefined;
  const asks = question(p);
  return { p, people, named, person, me, item, asks };
}

/** A trained model's intent, its slots filled from the message as far as they can be. */
function slotsFor(name: IntentName, text: string, nameOf: NameLookup, askerId?: string): Intent | undefined {
  const { p, people, named, person, me, item, asks } = reading(text, nameOf, askerId);
  const someone = person();
  const anyone = someone ?? me;
  const date = datePhrase(p);
  const words = () => itemWords(p).filter((w) => !nameOf(w));
  switch (name) {
    case "my_plate":
      return { name: "my_plate", span: spanOf(p) };
    case "person_work":
      return someone && someone !== askerId ? { name: "person_work", userId: someone } : undefined;
    case "did_happen": {
      const ws = words();
      const owner = person();
      return ws.length ? { name: "did_happen", words: ws, ...(owner ? { ownerId: owner } : {}) } : undefined;
    }
    case "who_owns":
      return { name: "who_owns", words: words() };
    case "who_covers":
      return anyone ? { name: "who_covers", userId: anyone } : undefined;
    case "blocking":
      return { name: "blocking", words: words() };
    case "slipped":
      return { name: "slipped", words: words() };
    case "at_risk":
      return { name: "at_risk" };
    case "next_cadence": {
      const kind = cadenceKind(p);
      return { name: "next_cadence", ...(kind ? { kind } : {}) };
    }
    case "redate": {
      const ref = date
        ? item(
            itemWords(p.replace(date.typed, " ")).filter((w) => !nameOf(w)),
            people[0],
          )
        : undefined;
      return date && ref ? { name: "redate", item: ref, when: date.typed } : undefined;
    }
    case "reassign": {
      const to = people.at(-1) ?? named();
      const ref = to
        ? item(
            words(),
            people.find((x) => x !== to),
          )
        : undefined;
      return to && ref ? { name: "reassign", item: ref, to } : undefined;
    }
    case "mark_done":
    case "drop": {
      // The item is named before any comma ("shelve the referral program, nobody uses it"), verbs aside.
      const named = (p.split(/[,;]| - /)[0] ?? p).replace(changeVerbs[name], " ");
      const ref = asks ? undefined : item(itemWords(named).filter((w) => !nameOf(w)));
      return ref ? { name, item: ref } : undefined;
    }
    case "raise_blocker": {
      const what = text.replace(/^\s*<@[A-Z0-9]+(\|[^>]*)?>\s*/, "").trim();
      return what
        ? {
            name: "raise_blocker",
            what: what.slice(0, 500),
            ...(people[0] ? { waitingOn: people[0] } : {}),
          }
        : undefined;
    }
    case "record_commitment": {
      const title = date ? p.replace(date.typed, " ").replace(/\s+/g, " ").trim() : "";
      return date && title.length >= 3
        ? { name: "record_commitment", title: title.slice(0, 300), when: date.typed }
        : undefined;
    }
    case "remind_me":
      return date
        ? { name: "remind_me", what: itemWords(p).join(" ") || "what you asked about", when: date.typed }
        : undefined;
  }
  return undefined;
}

/**
 * The rules' reading of a message already known to be about operations.
 * `askerId` is who wrote it ("me", "my"); `nameOf` turns a first name into a
 * member of the workspace. Undefined when no intent fits: the caller answers
 * from the ledger as before.
 */
export function readIntent(
  text: string,
  nameOf: NameLookup = () => undefined,
  askerId?: string,
  guess: IntentGuess = guessIntent,
  sureP: number = intentModel.sureP,
): Intent | undefined {
  const byPatterns = readByPatterns(text, nameOf, askerId);
  const [top] = guess(text);
  // The patterns fill slots best; the model reads intents best (docs/decisions/0036-intents-trained.md):
  // a sure model overrules the patterns' intent, and reads what they miss.
  if (!top || (byPatterns && (byPatterns.name === top.name || top.p < sureP))) return byPatterns;
  return slotsFor(top.name, text, nameOf, askerId) ?? byPatterns;
}

/** The hand-written patterns' reading. */
function readByPatterns(text: string, nameOf: NameLookup, askerId?: string): Intent | undefined {
  const { p, people, person, me, item, asks } = reading(text, nameOf, askerId);
  // Changes asked for, first person or imperative.
  if (
    /\b(remind me|set a reminder|reminder for me|ping me|nudge me|don'?t let me forget|rappelle-moi|recuerdame|lembra-me|lembre-me|erinner\w* mich)\b/.test(
      p,
    )
  ) {
    const date = datePhrase(p);
    const what = p
      .replace(
        /^.*?\b(remind me|set a reminder( for)?|reminder for me|ping me|nudge me|don'?t let me forget|rappelle-moi|recuerdame|lembra-me|lembre-me|erinner\w* mich)\b\s*(to|about|that|on|de|an|a)?\s*/,
        "",
      )
      .replace(/^[\s:,-]+|[\s:,-]+$/g, "")
      .replace(date?.typed ?? "\u0000", "")
      .replace(/\s+(on|at|by|in)\s*$/, "")
      .trim()
      .replace(/^(to|about|that|on|de|an|a|die|der|das)\s+/, "")
      .trim();
    if (date) return { name: "remind_me", what: what || "what you asked about", when: date.typed };
  }
  if (
    !asks ||
    /^(can|could|would|will) (you|we|the|i)\b|^please\b|^(can|could) \S+ (move|take over|pick up)\b/.test(p)
  ) {
    const date = datePhrase(p);
    if (
      /\b(push|move|bump|shift|delay|postpone|reschedule|re-?date|slip|slide|extend|change it to|instead|set it to|new (due )?date|due date|should be due|needs? (another|more|\w+ more)|mueve|mover|muda|verschieb\w*|decale\w*|reporte\w*|adia\w*|pospon\w*|aplaza\w*|passe\w* a|pasa\w* (al|para el))\b/.test(
        p,
      ) &&
      date
    ) {
      const before = p.slice(0, date.index);
      const reason = /(?:,|;| because| since| as | - )\s*(.+)$/.exec(
        p.slice(date.index + date.typed.length),
      )?.[1];
      const words = itemWords(before.replace(/\b(to|until|till|by|on|for|out)\s*$/, ""));
      const after = p.slice(date.index + date.typed.length).split(/[,;]| because | since /)[0] ?? "";
      const ref = item(words.length ? words : itemWords(after), people[0]);
      if (ref)
        return {
          name: "redate",
          item: ref,
          when: date.typed,
          ...(reason ? { reason: reason.slice(0, 200) } : {}),
        };
    }
    // "to @lee", or "to lee" when lee is a member this workspace knows by name.
    const toNamed = [
      ...p.matchAll(/\b(?:to|over to|para|pra|a|an|zu|let|should be|can|make|put) ([a-z][a-z'-]{1,30})\b/g),
    ]
      .map((m) => nameOf((m[1] ?? "").replace(/'s$/, "")))
      .find(Boolean);
    if (
      /\b(reassign|hand (it )?(over|off)?|give|pass|passa|transfer|move|switch the owner|make)\b.*\bto @[uw]/.test(
        p,
      ) ||
      /@[uw][a-z0-9]+ (should|will|can|is going to) (own|take|take over|pick up)\b/.test(p) ||
      /\bmake @[uw][a-z0-9]+ (the )?owner\b/.test(p) ||
      (toNamed !== undefined &&
        /\b(reassign\w*|assign|hand|give|pass|passa|pasa|transfer|move|swap|switch the owner|owner|make|put \S+ on|donne|gib|take over|pick up|should be \S+'s)\b/.test(
          p,
        ))
    ) {
      const to =
        /\bto (@[uw][a-z0-9]+)/.exec(p)?.[1] ??
        /(@[uw][a-z0-9]+) (should|will|can|is going to)/.exec(p)?.[1] ??
        /\bmake (@[uw][a-z0-9]+)/.exec(p)?.[1];
      const toId = to?.slice(1).toUpperCase() ?? toNamed;
      const ref = item(
        itemWords(
          p
            .replace(/\b(to|over to|para|pra|a|an|zu) (@[uw][a-z0-9]+|[a-z][a-z'-]*)\b.*$/, "")
            .replace(
              /\b(let|can|should be|take over|pick up|donne|pasa|passa|transfer|the owner|owner|put|reassign\w*|instead of me)\b/g,
              " ",
            ),
        ).filter((w) => !nameOf(w)),
        people.find((x) => x !== toId),
      );
      if (toId && ref) return { name: "reassign", item: ref, to: toId };
    }
    if (
      /\b(mark|marked|marking|marcar|tick (it )?off|check (it )?off|close (it )?out)\b|\b(is|are|was|got|went) (done|finished|shipped|sent|complete|completed|delivered|out)\b|\bi (finished|shipped|sent|delivered|completed)\b|\b(that one'?s|it'?s) (done|finished)\b|\bdone with\b|\b(delivered|shipped)\b.*\b(tick|done|close)|\b(concluid[ao]|erledigt|termine|terminei|terminad[ao]|pode fechar|puedes cerrar|fini)\b|\b(you can |please )?close (the|out|it|that)\b/.test(
        p,
      ) &&
      !/\b(drop|cancel|scrap|blocked)\b/.test(p)
    ) {
      const ref = item(
        itemWords(
          p.replace(
            /\b(mark|marked|marking|marcar|como|as|done|complete|finished|closed|shipped|sent|delivered|tick|check|close|off|out|went|that|one'?s|item|it|got|signed|this|morning|concluida|concluido|erledigt|with)\b/g,
            " ",
          ),
        ),
        undefined,
      );
      if (ref) return { name: "mark_done", item: ref };
    }
    if (
      /\b(drop|scrap|kill|skip\w*|cancel\w*|abandon\w*|remove|delete|withdraw|forget about|no longer need|not happening( anymore)?|nao vamos mais|ya no|annule\w*|streich\w*)\b/.test(
        p,
      ) &&
      !/\b(standup|stand-up|review|meeting|sync)\b/.test(p)
    ) {
      const ref = item(itemWords(p), undefined);
      if (ref) return { name: "drop", item: ref };
    }
    if (
      /\b(i'?m|we'?re|i am|we are|estoy|estamos|je suis|on est|ich bin|wir sind|estou) (still |totally |completely )?(blocked|stuck|bloquead[ao]s?|bloquee?s?|blockiert)\b|^(blocked|stuck)\b|\bblocked (on|by)\b|\b(raise|log|add|flag) (a )?blocker\b|\bflag (it|this)\b|\b(i'?m|we'?re|i am|we are) (still )?waiting (on|for)\b|\bcan'?t (start|move forward|move on|go ahead|proceed|continue|finish|progress|ship|deliver|send|launch)\b(?!.*\b(what'?s|what is|why)\b)|\b(is|are|'s|got) (still )?(blocked|stuck|held up)\b(?!.*\b(what'?s|what is|why)\b)|\bheld up by\b|\bas blocked\b|\bkomme? .*nicht weiter\b|\bmir fehl\w+\b/.test(
        p,
      )
    ) {
      const what = text
        .replace(/<@[A-Z0-9|a-z._-]+>\s*/g, (m, offset: number) => (offset === 0 ? "" : m))
        .trim();
      return {
        name: "raise_blocker",
        what: what.slice(0, 500),
        ...(people[0] ? { waitingOn: people[0] } : {}),
      };
    }
    if (
      date &&
      (/\b(i'?ll|i will|i can|i'?m going to|i'?m gonna|gonna|will (ship|have|send|deliver|finish|get)|i commit to|commit me to|i promise|put me down|(add|record|log|note) (a )?commitment|(add|record|log|note) (that )?i|log this|je m'engage|je vais|me comprometo|voy a|ich werde|eu vou|vou)\b|'s on me\b|@[uw][a-z0-9]+ (will|is going to|'ll) /.test(
        p,
      ) ||
        (/^([a-z]+) (will|is going to|'ll) /.test(p) && nameOf(/^([a-z]+)/.exec(p)?.[1] ?? "") !== undefined))
    ) {
      const owner =
        /(@[uw][a-z0-9]+) (will|is going to|'ll) /.exec(p)?.[1]?.slice(1).toUpperCase() ??
        (/^([a-z]+) (will|is going to|'ll) |\blog this:? ([a-z]+) owns\b/.exec(p) ?? [])
          .slice(1)
          .map((w) => (w ? nameOf(w) : undefined))
          .find(Boolean);
      const title = p
        .slice(0, date.index)
        .replace(
          /^.*?\b(i'?ll|i will|i can|i'?m going to|i'?m gonna|gonna|will|i commit to|commit me to|i promise|put me down (for|to)?|(add|record|log|note) (a )?commitment( to| for|:)?|(add|record|log|note) (that )?i('?m| will|'ll)?|log this:?|je m'engage a|je vais|me comprometo a|voy a|ich werde|eu vou|vou|@[uw][a-z0-9]+ (will|is going to|'ll))\s*/,
          "",
        )
        .replace(/'s on me[\s,]*$/, "")
        .replace(/[\s,;:]*\b(by|on|before|until|due)\s*$/, "")
        .trim();
      if (title.length >= 3)
        return {
          name: "record_commitment",
          title: title.slice(0, 300),
          when: date.typed,
          ...(owner ? { ownerId: owner } : {}),
        };
    }
  }

  // Questions about the ledger.
  if (
    /\b(next|upcoming)\b.*\b(standup|stand-up|review|planning|retro)\b|\b(standup|stand-up|review|planning)\b.*\b(when|what time)\b|\bwhen('?s| is| are)?\b.*\b(standup|stand-up|review|planning)\b|\b(do we have|is there) (a |the )?(standup|stand-up|review|planning)\b|\bwhat time('?s| is)\b.*\b(standup|stand-up|review|planning|sync|meeting|check-?in)\b|\bwhen('?s| is| do| does| will)?\b.*\b(next|check-?in|ask for updates|sync|retro)\b.*|\bnext (\w+ ){0,3}(sync|meeting|check-?in|retro|1:1)\b|\b(proxima|prochain|nachste|naechste|proximo)\b.*\b(reunion|point|meeting|standup|review|besprechung|reuniao)\b/.test(
      p,
    ) &&
    !/^who/.test(p)
  ) {
    const kind = cadenceKind(p);
    return { name: "next_cadence", ...(kind ? { kind } : {}) };
  }
  if (
    /\b(cover|covering|covers|picks? up|picking up|filling in|stand(s|ing)? in|backup|back-up|backing up|ubernimmt|vertritt|vertreten|ersetzt|remplace\w*|cubre|cubriendo|sustitu\w*|cobre|cobrindo|substitu\w*)\b|\b(enquanto|mientras|pendant que|wahrend)\b|\bwhen (s?he|they)('?s| is| are) (gone|away|out|off)\b|\bwhile .* (is |are )?(out|away|off|ooo|on (\w+ )?leave|on pto|on vacation|on holiday)\b|\b(during|while) (his|her|their|my) (leave|pto|holiday|vacation|mat leave)\b|\bgot my back\b|\b(is|'s|are|'re) (out|off|away|ooo|sick|off sick|on leave|on pto|on holiday|on vacation)\b.*\bwho\b|\bwho\b.*\b(minding|looking after) \S+'s\b|\bwhile (i'?m|i am) (off|out|away)\b|\b(i'?m|i am) (on|off|out)\b.*\bwho\b/.test(
      p,
    )
  ) {
    const who = person() ?? me;
    if (who) return { name: "who_covers", userId: who };
  }
  if (
    /\b(what('?s| is)|anything) (at risk|in danger|risky)\b|\bat risk\b|\briskiest\b|\bin danger\b|\bgoing to (miss|slip)\b|\bin trouble\b|\b(might|may|won'?t) not? ?make it\b|\bslipping behind\b|\ben riesgo\b|\ben risque\b|\bem risco\b|\bcorre risco\b|\bgefahrdet\b|\b(early )?warnings?\b|\bred zone\b|\bin the red\b|\boff track\b|\bgoing to make\b|\b(land|be ready|ship|finish) on time\b|\blikely to (slip|miss|be late)\b|\b(might|may|could|pode|puede|peut|konnte) (\w+ )?(slip|atrasar|retrasar|be late|miss|derailer|verspaten)\b|\b(shaky|wobbly|wobbl\w+|worry about|worried about|amber|en peligro|em perigo)\b|\b(they'?ll|it'?ll|will) (miss|slip|be late)\b|\b(might|may|could|won'?t) not (land|make|ship|happen)\b|\bschief\w*|\bwill .* make (it|the)\b/.test(
      p,
    )
  )
    return { name: "at_risk" };
  if (
    /\b(slipped|slipping|slips|slip|late|overdue|(?<!stuck )behind|missed|miss|past due|liegen geblieben|en retard|atrasad[ao]s?|retrasad[ao]s?|retras\w+|atras\w+|verspatet|blew (through|past)|(not|n'?t) (\w+ ){0,2}on time|past (its |their |the )?(due )?(date|deadline)s?|not deliver(ed)? on time|didn'?t (land|ship|deliver) on time)\b/.test(
      p,
    )
  )
    return { name: "slipped", words: itemWords(p) };
  if (
    /\b(block\w*|bloque\w*|bloquea\w*|blockiert|bloqueia\w*|holding (it |things )?up|held up|hold(s|ing)? up|holdup|hold-up|stuck|stalled|stopping|preventing|keeping .* from|in the way|impede\w*|waiting on|travan\w*|trava|why (hasn'?t|haven'?t|isn'?t|aren'?t) .* (moved|started|moving|progress\w*))\b/.test(
      p,
    )
  )
    return { name: "blocking", words: itemWords(p) };
  // What someone else has on: a person named, and words about their work.
  const someone = person();
  if (
    someone &&
    someone !== askerId &&
    /\b(working on|work on|up to|busy( with)?|doing|handling|plate|list|loaded|a lot on|got going on|heads down|sitting with|responsible for|(is|are) on|rundown|fazendo|haciendo|macht|slammed|swamped|free|capacity|bandwidth|focus(ed|ing)? on|on (his|her|their) (list|plate)|got on|still on the|open (for|commitments|items)|owns|got due|has due|(has|have) (\w+ )?(on|due|open)|commitments|tem (pra|para) entregar|tiene (que|pendiente)|arbeitet|travaille)\b/.test(
      p,
    ) &&
    !/^(who|whose)\b/.test(p)
  )
    return { name: "person_work", userId: someone };
  if (
    /\bwho(?:'s| is| are)?\b.{0,30}\b(own|owns|owner|owning|responsible|on point|driving|dri|in charge|handling|has|got)\b|\bpoint person\b|\bwho(?:'s| is)? (took|taking|doing|meant to|supposed to|running|leading|looking after|minding)\b|\b(owner|dri) (of|for)\b|\bwhose\b|\bresponsa(ble|vel)\b|\bzustandig\b|\bverantwortlich\b|\bwer kummert sich\b|\bqui s'occupe\b|\bqui est responsable\b|\bquien (se encarga|lleva)\b|\bquem (cuida|e responsavel|esta com)\b/.test(
      p,
    )
  )
    return { name: "who_owns", words: itemWords(p) };
  if (
    /\b(my plate|on my (list|plate)|my (open )?(list|todo|to-do|tasks|work|week|day|items|stuff|side|commitments|deliverables)|i need to (get|do|finish|deliver)|on the hook|should i be|left for me|for me to do|bei mir|fur mich|pour moi|para mi|para mim|me toca|ich muss|am i supposed to|have i (promised|committed|got)|je dois|tengo que|muss ich|preciso|do i have|do i need to|should i (work on|do|focus on)|am i (on|doing)|i have (due|on)|due from me|tengo|j'ai|habe ich|eu tenho|tenho)\b|\bwhat('?s| is)? (due|on) (for me|me)\b|\b(due|on) for me\b/.test(
      p,
    )
  ) {
    return { name: "my_plate", span: spanOf(p) };
  }
  if (
    /^(did|has|have|was|were|is)\b|\b(yet|already|ever)\b|\b(happen|happened)\b|\bdid (the|anyone|we|you|\w+) \w+|\b(ya se|deja)\b|\best-ce que\b.*\ba ete\b|\bfoi (enviad|entregue|feit)\w*|\bschon\b|\bja (foi|enviou)\b/.test(
      p,
    )
  ) {
    const owner = person();
    const ws = itemWords(p).filter((w) => !nameOf(w));
    if (ws.length) return { name: "did_happen", words: ws, ...(owner ? { ownerId: owner } : {}) };
  }

  return undefined;
}
