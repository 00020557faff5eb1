import { badInput } from "../errors.js";
import { type IdKind, parseId } from "../ledger/ids.js";
import { echo, userIdOf } from "./mentions.js";

/**
 * One declaration per `/coo` command yields its parser, its usage line in
 * `/coo help` and its refusals, so help and parsing cannot drift
 * (docs/decisions/0020-use-cases-and-grammar.md).
 *
 * A pattern reads as the usage line does, with each placeholder typed:
 *
 *     <id:commitment> [to] <when:date> [because <reason:text>]
 *
 * - `word` matches itself (any case); `a|b` matches either word.
 * - `<name:type>` captures one value of a type (see `slotTypes`); `<name:a|b|c>`
 *   captures one of those words.
 * - `[ ... ]` is optional; `{ ... }` is an option that may stand anywhere in
 *   the text (`{for <owner:user>}`), taken out before the rest is read.
 * - ` || ` separates whole alternatives, tried in order.
 *
 * Text slots take as many words as the rest allows, longest first, so the
 * last `by` of "write it by hand by Friday" starts the date. A reading whose
 * values all check out wins; if none does, the first reading's first
 * problem is what the person is told, with the usage and an example.
 */

const slotTypeNames = [
  "text",
  "date",
  "user",
  "word",
  "time",
  "days",
  "zone",
  "int",
  "workstream",
  "commitment",
  "blocker",
  "cadence",
  "handoff",
  "bet",
] as const satisfies ReadonlyArray<string>;
export type SlotType = (typeof slotTypeNames)[number];
const slotTypes = new Set<string>(slotTypeNames);

type Slot = { kind: "slot"; name: string; type: SlotType | { oneOf: string[] } };
type Literal = { kind: "literal"; words: string[] };
type Optional = { kind: "optional"; items: Element[] };
/** `{ ... }`: an option that may stand anywhere in the text. */
type Anywhere = { kind: "anywhere"; items: Element[] };
/** `a | b` inside brackets: one of several sequences. */
type Choice = { kind: "choice"; options: Element[][] };
type Element = Slot | Literal | Optional | Anywhere | Choice;
type Form = { elements: Element[]; anywhere: Element[][] };

export type Values = Record<string, string | number | undefined>;

/** What a check says of a captured value: the value to keep, or why it is not one. */
type Checked = { value: string | number } | { problem: string };

/** Words a text slot may hold; a `date` slot is told apart from what follows by reading as one. */
const many = new Set<SlotType>(["text", "date"]);

const idWords: Record<IdKind, { example: string; list: string }> = {
  commitment: { example: "C12", list: "commitments" },
  blocker: { example: "B7", list: "blockers" },
  cadence: { example: "K1", list: "cadences" },
  handoff: { example: "H3", list: "handoffs" },
  bet: { example: "G3", list: "bets" },
};

/** Dates are read for real once the owner's time zone is known; here, only their shape. */
export type DateCheck = (text: string) => boolean;

function checkSlot(type: Slot["type"], raw: string, readsAsDate: DateCheck): Checked {
  if (typeof type === "object") {
    const word = raw.toLowerCase();
    return type.oneOf.includes(word)
      ? { value: word }
      : { problem: `${echo(raw)} is not one of ${type.oneOf.map((w) => `\`${w}\``).join(", ")}.` };
  }
  switch (type) {
    case "text":
      return { value: raw };
    case "date":
      return readsAsDate(raw)
        ? { value: raw }
        : {
            problem: `I can't read ${echo(raw)} as a date. Try \`Friday\`, \`tomorrow 5pm\`, \`2026-12-03\` or \`in 3 days\`.`,
          };
    case "user": {
      const id = userIdOf(raw);
      return id ? { value: id } : { problem: `${echo(raw)} is not a person. Mention them with @.` };
    }
    case "word":
      return { value: raw };
    case "int":
      return /^\d{1,6}$/.test(raw) ? { value: Number(raw) } : { problem: `${echo(raw)} is not a number.` };
    case "time": {
      const match = /^(\d{1,2}):(\d{2})$/.exec(raw);
      const [hour, minute] = [Number(match?.[1]), Number(match?.[2])];
      return match && hour <= 23 && minute <= 59
        ? { value: `${String(hour).padStart(2, "0")}:${match[2]}` }
        : { problem: `${echo(raw)} is not a time. Use a 24-hour time such as \`09:30\` or \`16:00\`.` };
    }
    case "days":
    case "zone":
      // Read by the command itself (cadence days and IANA zones have their own messages).
      return { value: raw };
    case "workstream": {
      const match = /^(?:<#C[A-Z0-9]+\|([a-z0-9][\w-]*)>|#([a-z][\w-]*))$/i.exec(raw);
      const name = match?.[1] ?? match?.[2];
      return name
        ? { value: name.toLowerCase() }
        : { problem: `${echo(raw)} is not a workstream. Workstreams are typed as \`#name\`.` };
    }
    default: {
      const number = parseId(type, raw);
      const { example, list } = idWords[type];
      return number !== undefined
        ? { value: number }
        : {
            problem: `${echo(raw)} is not a ${type} id. Ids look like \`${example}\`; \`/coo ${list}\` shows them.`,
          };
    }
  }
}

function missing(slot: Slot): string {
  const type = slot.type;
  if (typeof type === "string" && type in idWords) return `Which ${type}?`;
  if (type === "date") return "By when?";
  if (type === "user") return "Who?";
  return `Say ${slot.name === "what" ? "what" : `the ${slot.name}`}.`;
}

// ---------------------------------------------------------------- patterns

function tokenizePattern(pattern: string): string[] {
  return pattern.match(/<[^>]+>|\[|\]|\{|\}|(?<=\s)\|(?=\s)|[^\s[\]{}<>]+/g) ?? [];
}

function parseElements(tokens: string[], at: { i: number }, until?: string): Element[] {
  const options: Element[][] = [];
  let out: Element[] = [];
  const done = () => (options.length === 0 ? out : [{ kind: "choice" as const, options: [...options, out] }]);
  while (at.i < tokens.length) {
    const token = tokens[at.i++] ?? "";
    if (token === until) return done();
    if (token === "|" && until) {
      options.push(out);
      out = [];
      continue;
    }
    if (token === "[") out.push({ kind: "optional", items: parseElements(tokens, at, "]") });
    else if (token === "{") out.push({ kind: "anywhere", items: parseElements(tokens, at, "}") });
    else if (token.startsWith("<")) {
      // <name:type> or <name:type=Label> (the label is how the usage line shows it).
      const [name = "", typed = "text"] = token.slice(1, -1).split(":");
      const type = typed.split("=")[0] ?? "text";
      out.push({
        kind: "slot",
        name,
        // A type coo knows, or the words the slot may hold (`<verb:pause|resume>`, `<all:all>`).
        type: slotTypes.has(type) ? (type as SlotType) : { oneOf: type.split("|") },
      });
    } else out.push({ kind: "literal", words: token.toLowerCase().split("|") });
  }
  if (until) throw new Error(`pattern: missing ${until}`);
  return done();
}

function parseForm(pattern: string): Form {
  const elements = parseElements(tokenizePattern(pattern), { i: 0 });
  return {
    elements: elements.filter((e) => e.kind !== "anywhere"),
    anywhere: elements.flatMap((e) => (e.kind === "anywhere" ? [e.items] : [])),
  };
}

/** Whether a form has a free-text slot anywhere in it. */
function takesText(form: Form): boolean {
  const has = (elements: Element[]): boolean =>
    elements.some((e) => {
      if (e.kind === "slot") return e.type === "text";
      if (e.kind === "literal") return false;
      if (e.kind === "choice") return e.options.some(has);
      return has(e.items);
    });
  return has(form.elements) || form.anywhere.some(has);
}

/** The usage line a person reads: placeholders without their types. */
function usageOf(pattern: string): string {
  return pattern
    .split(" || ")
    .map((alternative) =>
      alternative
        .replace(/<(\w+):([a-z|]+)(?:=([^>]+))?>/g, (_m, name: string, type: string, label?: string) => {
          if (label) return label;
          if (!slotTypes.has(type)) return type;
          return type === "user" ? `@${name}` : type === "workstream" ? `#${name}` : `<${name}>`;
        })
        .replace(/\{/g, "[")
        .replace(/\}/g, "]")
        .replace(/<reason>/g, "...")
        .trim(),
    )
    .join(" | ");
}

// ---------------------------------------------------------------- matching

type Token = { text: string; start: number; end: number };

function tokenize(text: string): Token[] {
  return [...text.matchAll(/\S+/g)].map((m) => ({
    text: m[0],
    start: m.index ?? 0,
    end: (m.index ?? 0) + m[0].length,
  }));
}

type Reading = { values: Values; problems: string[] };

/**
 * Every way `elements` can cover `tokens[from..]`, longest text first. Slots
 * capture the source text between their first and last token (spacing kept).
 */
function* readings(
  elements: Element[],
  tokens: Token[],
  source: string,
  from: number,
  check: (slot: Slot, raw: string) => Checked,
): Generator<Reading> {
  const [head, ...rest] = elements;
  if (!head) {
    if (from === tokens.length) yield { values: {}, problems: [] };
    return;
  }
  if (head.kind === "literal") {
    const token = tokens[from];
    if (token && head.words.includes(token.text.toLowerCase()))
      yield* readings(rest, tokens, source, from + 1, check);
    return;
  }
  if (head.kind === "optional") {
    yield* readings([...head.items, ...rest], tokens, source, from, check);
    yield* readings(rest, tokens, source, from, check);
    return;
  }
  if (head.kind === "choice") {
    for (const option of head.options) yield* readings([...option, ...rest], tokens, source, from, check);
    return;
  }
  if (head.kind === "anywhere") throw new Error("an option that may stand anywhere is read apart");
  const type = head.type;
  const longest =
    typeof type === "string" && many.has(type) ? tokens.length - from : Math.min(1, tokens.length - from);
  for (let n = longest; n >= 1; n--) {
    const first = tokens[from];
    const last = tokens[from + n - 1];
    if (!first || !last) continue;
    const raw = source.slice(first.start, last.end);
    // Checked only once the rest has a reading: a date is not parsed for every split.
    let checked: Checked | undefined;
    for (const tail of readings(rest, tokens, source, from + n, check)) {
      checked ??= check(head, raw);
      yield "value" in checked
        ? { values: { ...tail.values, [head.name]: checked.value }, problems: tail.problems }
        : { values: tail.values, problems: [checked.problem, ...tail.problems] };
    }
  }
}

/** Takes an option that may stand anywhere out of the text; its values, and the text without it. */
function takeAnywhere(
  option: Element[],
  text: string,
  check: (slot: Slot, raw: string) => Checked,
): { text: string; values: Values } {
  const tokens = tokenize(text);
  const width = option.length;
  for (let i = 0; i + width <= tokens.length; i++) {
    const slice = tokens.slice(i, i + width);
    // Only a window that reads cleanly is the option: "for the team" stays in a title.
    let found: Reading | undefined;
    for (const reading of readings(option, slice, text, 0, check)) {
      if (reading.problems.length === 0) {
        found = reading;
        break;
      }
    }
    if (!found) continue;
    const start = slice[0]?.start ?? 0;
    const end = slice.at(-1)?.end ?? start;
    return {
      text: `${text.slice(0, start)} ${text.slice(end)}`.replace(/\s+/g, " ").trim(),
      values: found.values,
    };
  }
  return { text, values: {} };
}

/** The most slots a reading of these elements can fill. */
function slotCount(elements: Element[]): number {
  return elements.reduce((n, e) => {
    if (e.kind === "slot") return n + 1;
    if (e.kind === "optional" || e.kind === "anywhere") return n + slotCount(e.items);
    if (e.kind === "choice") return n + Math.max(0, ...e.options.map(slotCount));
    return n;
  }, 0);
}

/** The first element a text stopped matching at, to say what is missing. */
function firstMissing(elements: Element[], tokens: Token[]): Element | undefined {
  let at = 0;
  for (const [i, e] of elements.entries()) {
    if (e.kind === "optional" || e.kind === "anywhere" || e.kind === "choice") continue;
    if (e.kind === "literal") {
      const found = tokens.findIndex((t, j) => j >= at && e.words.includes(t.text.toLowerCase()));
      if (found < 0) return e;
      at = found + 1;
    } else {
      // A slot with nothing in it: the text ended, or the next word is the one that follows it.
      const next = elements[i + 1];
      const word = tokens[at]?.text.toLowerCase();
      if (word === undefined || (next?.kind === "literal" && next.words.includes(word))) return e;
      at += 1;
    }
  }
  return undefined;
}

export type CommandSpec = {
  /** The word after `/coo`. */
  name: string;
  /** What follows the name, as the usage line reads (see the top of this file). */
  pattern: string;
  summary: string;
  /** A whole command that works, shown with every refusal: `/coo slip C12 to Friday`. */
  example: string;
  /** Sentences for what is missing, by slot or literal word ("by": "When is it due? ..."). */
  asks?: Record<string, string>;
  /** The sentence when nothing at all follows the command word (default: what is missing first). */
  empty?: string;
  /** Sentences for a value that is not of its slot's type, by slot ("who": "Whose status?"). */
  invalid?: Record<string, string>;
  /** The refusal when no alternative fits at all (default: what is missing, or the usage). */
  unknown?: string;
};

export type Grammar = {
  name: string;
  /** `commit <what> by <when> [for @owner]`: the usage line in `/coo help`. */
  usage: string;
  summary: string;
  example: string;
  /** The values of the first reading that checks out; refuses with a clear sentence otherwise. */
  read(args: string, readsAsDate: DateCheck): Values;
};

export function grammar(spec: CommandSpec): Grammar {
  // A form with no free text is tried first, whatever the declared order (which
  // is the usage line's): "drop G3" is the verb and an id, not a title.
  const forms = spec.pattern
    .split(" || ")
    .map(parseForm)
    .sort((a, b) => Number(takesText(a)) - Number(takesText(b)));
  const usage = `${spec.name} ${usageOf(spec.pattern)}`.trim();
  // One shape for every refusal: what is wrong, the usage, and a whole command
  // that works (a sentence ending in a colon introduces the example itself).
  const refuse = (sentence: string) =>
    badInput(
      sentence.endsWith(":")
        ? `${sentence} \`${spec.example}\``
        : `${sentence} \`/coo ${usage}\`, e.g. \`${spec.example}\`.`,
    );
  return {
    name: spec.name,
    usage,
    summary: spec.summary,
    example: spec.example,
    read(args, readsAsDate) {
      const seen = new Map<string, Checked>();
      const check = (slot: Slot, raw: string) => {
        const key = `${slot.name}\u0000${raw}`;
        const known = seen.get(key);
        if (known) return known;
        const checked = checkSlot(slot.type, raw, readsAsDate);
        const instead = spec.invalid?.[slot.name];
        if ("problem" in checked && instead) {
          const replaced = { problem: instead };
          seen.set(key, replaced);
          return replaced;
        }
        seen.set(key, checked);
        return checked;
      };
      let firstProblem: string | undefined;
      let firstGap: Element | undefined;
      for (const form of forms) {
        let text = args.trim();
        const values: Values = {};
        for (const option of form.anywhere) {
          const taken = takeAnywhere(option, text, check);
          text = taken.text;
          Object.assign(values, taken.values);
        }
        const tokens = tokenize(text);
        // The valid reading that fills the most slots: a trailing option
        // ("waiting on @dana") is taken when the text has it. Readings come
        // longest-text first, so the search stops at the first that fills them all.
        const most = slotCount(form.elements);
        let best: Values | undefined;
        for (const reading of readings(form.elements, tokens, text, 0, check)) {
          if (reading.problems.length > 0) {
            firstProblem ??= reading.problems[0];
            continue;
          }
          const filled = Object.keys(reading.values).length;
          if (!best || filled > Object.keys(best).length) best = reading.values;
          if (filled >= most) break;
        }
        if (best) return { ...values, ...best };
        firstGap ??= firstMissing(form.elements, tokens);
      }
      if (args.trim() === "" && spec.empty) throw refuse(spec.empty);
      if (firstProblem) throw refuse(firstProblem);
      if (spec.unknown) throw refuse(spec.unknown);
      if (firstGap?.kind === "slot") throw refuse(spec.asks?.[firstGap.name] ?? missing(firstGap));
      if (firstGap?.kind === "literal") {
        const word = firstGap.words[0] ?? "";
        throw refuse(spec.asks?.[word] ?? `Missing \`${word}\`.`);
      }
      throw refuse(`I can't read ${echo(args.trim())} after \`/coo ${spec.name}\`.`);
    },
  };
}
