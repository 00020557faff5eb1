type Loose = {
  text?: unknown;
  blocks?: Array<{ text?: { text?: string }; elements?: Array<{ text?: unknown }> }>;
};

/** Every piece of text a message or view shows: its text, sections and context lines. */
export function textOf(message: unknown): string {
  const m = (message ?? {}) as Loose;
  return [
    typeof m.text === "string" ? m.text : "",
    ...(m.blocks ?? []).map(
      (b) =>
        b.text?.text ?? (b.elements ?? []).map((e) => (typeof e.text === "string" ? e.text : "")).join(" "),
    ),
  ].join("\n");
}
