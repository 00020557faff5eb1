import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { writerSets } from "../scripts/routing-sets.js";
import { intentModel } from "../src/assistant/intent-model.js";
import { type IntentName, intentNames, readIntent } from "../src/assistant/intents.js";
import { readToolCall, toolDefinitions } from "../src/assistant/tools.js";

// The rules' intent reader, on its own: typed slots out of plain words, and
// the tuning sets (v2 and v3 tune.json; the holdouts are never read here) kept above a floor.
const members: Record<string, string> = { sam: "U7", jo: "U8", freya: "U9" };
const nameOf = (name: string) => members[name];

test("the reader fills typed slots: people by mention or known first name, items by id or words, dates as typed", () => {
  expect(readIntent("did sam send the vendor shortlist yet?", nameOf)).toEqual({
    name: "did_happen",
    words: ["vendor", "shortlist"],
    ownerId: "U7",
  });
  expect(readIntent("push the launch deck to next thursday, design feedback came late", nameOf)).toEqual({
    name: "redate",
    item: { words: ["launch", "deck"] },
    when: "next thursday",
    reason: "design feedback came late",
  });
  expect(readIntent("can you hand the press kit over to Freya", nameOf)).toEqual({
    name: "reassign",
    item: { words: ["press", "kit"] },
    to: "U9",
  });
  expect(readIntent("remind me EOD to update the board pack", nameOf)).toMatchObject({
    name: "remind_me",
    when: "5pm today",
  });
  // Nobody named that here: no person is made up.
  expect(readIntent("can you hand the press kit over to Morgan", nameOf)).toBeUndefined();
  expect(readIntent("thanks, that's all!", nameOf)).toBeUndefined();
});

test("new phrasing holds: other languages, dates chrono leaves, statements against questions, the asker", () => {
  expect(readIntent("erinner mich morgen an die Inventur", nameOf)).toMatchObject({
    name: "remind_me",
    when: "morgen",
  });
  expect(readIntent("can you shift the route export deadline to the 15th", nameOf)).toEqual({
    name: "redate",
    item: { words: ["route", "export"] },
    when: "the 15th",
  });
  // A statement raises a blocker; a question about one asks what is blocking.
  expect(readIntent("onboarding is blocked, laptops haven't arrived", nameOf)?.name).toBe("raise_blocker");
  expect(readIntent("the strategy offsite prep is stuck, what's holding it up", nameOf)?.name).toBe(
    "blocking",
  );
  // "my" is whoever asked, never a made-up person.
  expect(readIntent("I'm on PTO from the 12th, who will cover my commitments", nameOf, "U42")).toEqual({
    name: "who_covers",
    userId: "U42",
  });
  expect(readIntent("I'm on PTO from the 12th, who will cover my commitments", nameOf)?.name).not.toBe(
    "who_covers",
  );
  expect(readIntent("donne le rapport mensuel à Freya", nameOf)).toEqual({
    name: "reassign",
    item: { words: ["rapport", "mensuel"] },
    to: "U9",
  });
  expect(readIntent("what has jo got due in the next two weeks", nameOf)).toEqual({
    name: "person_work",
    userId: "U8",
  });
  expect(readIntent("sam will finish the dashboard next tuesday", nameOf)).toEqual({
    name: "record_commitment",
    title: "finish the dashboard",
    when: "next tuesday",
    ownerId: "U7",
  });
});

test("when no pattern fits, the trained model picks a likely intent, only with its slots filled", () => {
  expect(readIntent("let's shelve the referral program item, nobody uses it", nameOf)).toEqual({
    name: "drop",
    item: { words: ["referral", "program"] },
  });
  expect(readIntent("how loaded is jo this sprint", nameOf)).toEqual({ name: "person_work", userId: "U8" });
  expect(readIntent("nix the weekly digest", nameOf)).toEqual({
    name: "drop",
    item: { words: ["weekly", "digest"] },
  });
  // Nobody of that name here, and no person is made up.
  expect(readIntent("how loaded is morgan this sprint", nameOf)).toBeUndefined();
  // A model that is not sure enough reads nothing; one that is sure overrules the patterns' intent.
  const sure = (name: IntentName, p: number) => () => [{ name, p }];
  expect(readIntent("nix the weekly digest", nameOf, "U1", sure("drop", 0.2))).toEqual({
    name: "drop",
    item: { words: ["weekly", "digest"] },
  });
  expect(readIntent("what's at risk this week", nameOf, "U1", sure("slipped", 0.9))).toEqual({
    name: "slipped",
    words: [],
  });
  expect(readIntent("what's at risk this week", nameOf, "U1", sure("slipped", 0.4))).toEqual({
    name: "at_risk",
  });
});

test("on every writer's tuning set the rules read at least 75% of the labeled intents right, names unresolved", () => {
  // No directory here, so only <@mentions> name people; `npm run eval:routing` also resolves first names.
  for (const file of writerSets.map((set) => `./routing/${set}/tune.json`)) {
    const tune = JSON.parse(readFileSync(new URL(file, import.meta.url), "utf8")) as Array<{
      text: string;
      intent?: string;
    }>;
    const labeled = tune.filter((m) => m.intent);
    const right = labeled.filter((m) => readIntent(m.text, undefined, "U1")?.name === m.intent).length;
    expect(labeled.length).toBeGreaterThan(100);
    expect(right / labeled.length, file).toBeGreaterThanOrEqual(0.75);
  }
});

test("a tool call is read only into the fixed set, with strict arguments", () => {
  expect(toolDefinitions.map((t) => t.name)).toContain("propose_redate");
  expect(toolDefinitions.every((t) => /^[a-z_]{1,64}$/.test(t.name))).toBe(true);
  expect(readToolCall("my_plate", { span: "today" })).toEqual({
    kind: "intent",
    intent: { name: "my_plate", span: "today" },
  });
  expect(readToolCall("redate", { item: { number: 3 }, when: "friday" }).kind).toBe("refused");
  expect(readToolCall("propose_redate", { item: { number: "3" }, when: "friday" }).kind).toBe("refused");
  expect(readToolCall("person_work", { userId: "U1; DROP TABLE" }).kind).toBe("refused");
  expect(readToolCall("my_plate", { span: "today", workspace: "T2" }).kind).toBe("refused");
  expect(readToolCall("find_work", { words: ["deck"] })).toEqual({
    kind: "find",
    words: ["deck"],
    ownerId: undefined,
  });
});

test("the trained intent model reads exactly the intents the assistant knows, each once, with a weight for each", () => {
  // The model is generated (scripts/train-intents.ts); an intent added or renamed since must mean training again.
  expect([...intentModel.intents].sort()).toEqual([...intentNames].sort());
  expect(new Set(intentModel.intents).size).toBe(intentModel.intents.length);
  expect(intentModel.bias).toHaveLength(intentModel.intents.length);
  for (const weights of Object.values(intentModel.weights))
    expect(weights).toHaveLength(intentModel.intents.length);
});
