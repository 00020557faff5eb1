import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";

/** A `.env` file coo cannot use: said in one line, never showing what the file holds. */
export class EnvFileError extends Error {
  override name = "EnvFileError";
}

const assignment = /^(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=/;

/**
 * The lines of a `.env` text that are not `NAME=value`, by number. Node's own
 * parser skips such a line without a word, or (worse) glues it to the name on
 * the next line, so a typo like `SLACK_BOT_TOKEN xoxb-...` would silently
 * lose two settings. Lines inside a quoted value that spans lines are fine.
 */
export function malformedLines(text: string): number[] {
  const parsed = parseEnv(text);
  const spanning = Object.values(parsed).filter((value): value is string => value?.includes("\n") === true);
  const bad: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#") || assignment.test(trimmed)) return;
    const inside = trimmed.replace(/["'`]\s*$/, "");
    if (inside !== "" && spanning.some((value) => value.includes(inside))) return;
    bad.push(i + 1);
  });
  return bad;
}

/**
 * Reads the env file into `process.env` with Node's own loader, for the
 * process entry and `npm run db:migrate` only (config.ts stays a pure function
 * of what it is given, so tests never see a developer's `.env`). The file is
 * `COO_ENV_FILE` when set, else `.env` in the working directory, which may be
 * missing. A variable the environment already sets keeps its value.
 */
export function loadEnvFile(): string | undefined {
  const chosen = process.env.COO_ENV_FILE?.trim();
  const path = resolve(chosen || ".env");
  const shown = chosen || ".env";
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !chosen) return undefined;
    throw new EnvFileError(
      code === "ENOENT"
        ? `coo cannot start: COO_ENV_FILE: there is no file ${path}. Point it at your env file, or unset it to read .env from the working directory.`
        : `coo cannot start: cannot read ${shown} (${code ?? String(error)}).`,
    );
  }
  const bad = malformedLines(text);
  if (bad.length > 0) {
    const where = `${bad.length === 1 ? "line" : "lines"} ${bad.join(", ")}`;
    throw new EnvFileError(
      `coo cannot start: ${shown} ${where} ${bad.length === 1 ? "is" : "are"} not NAME=value (a name of letters, digits and _, then =, then the value; quote a value with spaces or #). Nothing was started.`,
    );
  }
  process.loadEnvFile(path);
  return path;
}
