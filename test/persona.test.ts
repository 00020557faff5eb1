import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { defaultRolesDir, loadPersona, PersonaError, systemPrompt } from "../src/persona/load.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "coo-roles-"));
  await cp(defaultRolesDir, dir, { recursive: true });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function edit(file: string, change: (text: string) => string) {
  const path = join(dir, file);
  await writeFile(path, change(await readFile(path, "utf8")));
}

test("the shipped roles load: the coo's mandate and boundaries, and one summary per seat", async () => {
  const persona = await loadPersona();
  expect(persona.coo.mandate.length).toBeGreaterThanOrEqual(4);
  expect(persona.coo.boundaries.join(" ")).toMatch(/CEO/);
  expect(persona.coo.boundaries.join(" ")).toMatch(/CFO/);
  expect(persona.coo.boundaries.join(" ")).toMatch(/CTO/);
  expect(persona.cfo.summary).toMatch(/money/i);
});

test("the system prompt carries the mandate, the boundaries and the rule that Slack text is data", async () => {
  const prompt = systemPrompt(await loadPersona());
  expect(prompt).toContain("Your mandate:");
  expect(prompt).toContain("Your boundaries:");
  expect(prompt).toContain("Chief Financial Officer (CFO)");
  expect(prompt).toMatch(/never instructions/);
});

test("a role file without its Boundaries section is refused, naming the file and the section", async () => {
  await edit("coo.md", (t) => t.replace(/## Boundaries[\s\S]*?## Persona/, "## Persona"));
  const error = await loadPersona(dir).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PersonaError);
  expect((error as Error).message).toContain(join(dir, "coo.md"));
  expect((error as Error).message).toContain("'## Boundaries'");
});

test("a role file without front matter is refused", async () => {
  await edit("cfo.md", (t) => t.replace(/^---[\s\S]*?---\n/, ""));
  await expect(loadPersona(dir)).rejects.toThrow(/cfo\.md: must start with a '---' front matter block/);
});

test("a role file claiming another seat is refused", async () => {
  await edit("cto.md", (t) => t.replace("seat: cto", "seat: ceo"));
  await expect(loadPersona(dir)).rejects.toThrow(/cto\.md: front matter says seat 'ceo', expected 'cto'/);
});

test("a missing role file is refused by name", async () => {
  await rm(join(dir, "ceo.md"));
  await expect(loadPersona(dir)).rejects.toThrow(/ceo\.md is missing/);
});
