/*
 * When two titles name the same piece of work: "review the vendor contract"
 * and "vendor contract review" do; "ship the API" and "ship the API docs" do
 * not. Pure and explainable: titles are reduced to their content words
 * (lower case, small words dropped, endings like -s, -ing, -ed cut), and two
 * titles match when those sets are equal, or when one holds all of the
 * other's and the smaller has at least three words (docs/decisions/0018).
 */

/** Words that say nothing about which work it is. */
const small = new Set(
  (
    "a an the this that these those my our your their his her its me we i you he she they it " +
    "to of for on in at by with from into onto about up out off over and or but then so " +
    "will would shall should can could may might must do does did done be is are was were been being " +
    "have has had get got going gonna plan aim try today tomorrow tonight week day also just again some any all " +
    "i'll we'll ill im i'm"
  ).split(" "),
);

/** A light stemmer: enough for "contracts"/"contract", "reviewing"/"review", "shipped"/"ship". */
export function stem(word: string): string {
  let w = word.replace(/'s$/, "");
  if (w.length > 4 && w.endsWith("ies")) return `${w.slice(0, -3)}y`;
  for (const ending of ["ing", "ed"]) {
    if (w.length > ending.length + 2 && w.endsWith(ending)) {
      w = w.slice(0, -ending.length);
      // "shipp" -> "ship", "planned" -> "plan"; "dress" keeps its double s
      if (/([b-df-hj-np-rtv-z])\1$/.test(w) && !/(ss|ll|ff|zz)$/.test(w)) w = w.slice(0, -1);
      return w;
    }
  }
  if (w.length > 4 && /(ches|shes|sses|xes)$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us")) return w.slice(0, -1);
  return w;
}

export function contentWords(title: string): Set<string> {
  const words = title
    .toLowerCase()
    .replace(/<[@#!][^>]*>/g, " ")
    .split(/[^\p{L}\p{N}']+/u)
    .map((w) => w.replace(/^'+|'+$/g, ""))
    .filter((w) => w.length > 1 && !small.has(w));
  return new Set(words.map(stem));
}

export function sameWork(a: string, b: string): boolean {
  const x = contentWords(a);
  const y = contentWords(b);
  if (x.size === 0 || y.size === 0) return false;
  const [fewer, more] = x.size <= y.size ? [x, y] : [y, x];
  for (const word of fewer) if (!more.has(word)) return false;
  return fewer.size === more.size || fewer.size >= 3;
}
