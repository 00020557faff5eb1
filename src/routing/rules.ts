/** The five lanes a message to the coo can fall in. The code acts only on these. */
export const categories = ["mission", "budget", "architecture", "operations", "other"] as const;
export type Category = (typeof categories)[number];

type Rule = [RegExp, number];

// Weighted signals per lane. A message scores the sum of the rules it
// matches; the highest lane wins. Operations signals (who, when, status) are
// strong on purpose: "who owns the budget sheet and when is it due" is about
// an owner and a date, not money.
const signals: Record<Exclude<Category, "other">, Rule[]> = {
  operations: [
    [
      /\b(who'?s|who is|who are|whos|who)\b.{0,40}\b(own|owns|owning|on point|driving|drive|writing|pulling|putting|responsible|on call|picked|pick|take|taking|handl|chase|breaks|ok'?d|got)\w*/,
      4,
    ],
    [/\bwho (do i|should|can|will)\b/, 4],
    [/\b(dri|owner|owns|owned|ownership|on point|orphaned|nobody has owned|nobody'?s picked)\b/, 3],
    [/\b(eta|deadline|due|overdue|late|slipp\w*|slipped|behind schedule|on track)\b/, 3],
    [
      /\b(status|statut|progress|how far along|% done|where are we|rundown|update on|done yet|signed yet|landed|land monday)\b/,
      3,
    ],
    [/\b(block\w*|unblock\w*|stuck|waiting on|waiting for|wait on)\b/, 3],
    [/\b(hand ?off|handing|hand over|hand it|take over|pick it up|übergabe|kümmert)\b/, 4],
    [
      /\b(standup|stand-up|retro|weekly review|planning|sync|1:1s?|demo|calendar|agenda|offsite agenda|all-hands doc|action items|follow[ -]?up|remind me|nudge|chase|log:)\b/,
      3,
    ],
    [
      /\b(this week|next week|this sprint|by friday|by monday|by (the )?\d+(st|nd|rd|th)?|tomorrow|on mon|starts mon)\b/,
      3,
    ],
    [/\bhow'?s\b.{0,40}\bgoing\b/, 4],
    [
      /\b(what'?s left|what did we (commit|land)|what'?s everyone working on|working on today|done w\/|closed the ticket|is done btw|phase \d)\b/,
      3,
    ],
    [
      /(quién es responsable|para cuándo|wer kümmert|c'est quoi le statut|quem está responsável|qual é o prazo|\bprazo\b|chi è responsabile|scadenza|qui s'occupe|d'ici quand)/,
      4,
    ],
    [/\b(launch[- ]?blocker|launch ready|release slipped|release)\b/, 2],
    // A status question outweighs whatever topic it is about.
    [
      /\b(eta on|done yet|is done|how far along|% done|closed the ticket|on the calendar|on \w+'?s plate|set a follow-up|still doing|still on)\b/,
      5,
    ],
    [
      /\b(move|cancel\w*|reschedul\w*|skip\w*|kill)\b.{0,40}\b(review|standup|sync|retro|demo|meeting|1:1s?)\b/,
      5,
    ],
  ],
  budget: [
    [
      /\b(afford|budget|budgets|runway|burn|spend|spending|cost|costs|costing|cheaper|pricey|expens\w*|invoice|reimburs\w*|discount|% off|comp band|salary|salaries|base plus equity|commission|margin|margins|cac|mrr|arr|unit economics|money|bill|billed|paying|pay for|pay contractors|per-seat|per seat|quote a|charge for|prices|pricing plan|raise prices|renewal|licen[cs]es?|company card|annual plan|annual billing|months free|net 30|net 15|g&a|price|hourly|fixed fee|fixed price|retainer)\b/,
      3,
    ],
    [/\$\s?\d|\b\d+(\.\d+)?\s?k\b(\/(mo|yr|month|year))?|\b\d+k\/(mo|yr)\b/, 3],
    [/\bhow much\b/, 2],
    [/\b(approve|approval|sign off on|ok to approve|ok to put)\b/, 2],
    [
      /\b(hire|hiring|head of sales|req|werkstudent)\b.{0,40}\b(afford|budget|cost|can we)\b|\b(can we|do we have money)\b.{0,30}\b(afford|hire|money)\b/,
      2,
    ],
    [/\b(leisten|gastar|cuánto|acheter|licences|dinero|argent|kosten)\b/, 3],
  ],
  architecture: [
    [
      /\b(postgres|postgresql|mysql|dynamo\w*|sqlite|redis|kafka|sqs|rabbitmq|elasticsearch|snowflake pipeline|warehouse|cdc|orm|raw sql|database|databases|db|base de datos|schema)\b/,
      3,
    ],
    [
      /\b(k8s|kubernetes|ecs|serverless|lambda|cold starts|edge nodes|multi-region|failover|dns|rate limiting|cache|queue|worker|cron \+|jobs table)\b/,
      3,
    ],
    [
      /\b(monolith|microservices?|services|service|monorepo|polyrepo|codebase|architecture|archi|event[- ]driven|event sourcing|rules engine|federation|stitching)\b/,
      3,
    ],
    [
      /\b(rest|graphql|api design|public api|webhook payloads?|version(ing)? webhook|jwt|sessions|saml|sso|auth0|workos|oauth|secrets|encryption|pii|soc2 encryption)\b/,
      3,
    ],
    [
      /\b(rewrite|rewriting|refactor|tech(nical)? debt|stack|framework|typescript|python|golang|go|rust|swift|kotlin|react native|native|backend|frontend|open model|self-host)\b/,
      3,
    ],
    [
      /\b(race conditions?|inconsistent state|same \w+ table|latency|versioning|rollback|partitions?|tech(nical)? standpoint|protocol|sdk|engine choice)\b/,
      3,
    ],
    [/\b(build (our|my) own|roll our own|build vs buy|build or buy|launchdarkly|or just use)\b/, 4],
    [/\b(synchronous|asynchronous|async|sync) in\b|\bsynchronously|asynchronously\b/, 3],
  ],
  mission: [
    [
      /\b(vision|mission|north star|strategy|strategic|direction|off-mission|where we'?re (headed|going)|winning|company okrs?|the core business|positioning|cheapest option|best option)\b/,
      3,
    ],
    [/\bspin\b.{0,30}\bout\b/, 3],
    [
      /\b(sales-led|product-led|are we (still )?an? \w+ company|core to|a distraction|what we'?re about|main customer|go all in|all-in|stop building|focus (on|area))\b/,
      4,
    ],
    [
      /\b(priority|priorities|prioriti[sz]e|rank them|top priorities|the one thing|one thing|saying no to|bet|bets|double down|side quest)\b/,
      3,
    ],
    [
      /\b(market|markets|markt|mercado|segment|upmarket|downmarket|smb|mid-market|vertical|horizontal|platform company|sales-led|product-led|expansion|ecosystem|acquire|acquisition|spin (the|it)? ?\w* out|sunset|kill the|stop doing|stop chasing|pursue|pursuing|go after|worth pursuing|focus on|concentrate|konzentrieren|enfocarnos|concentrer|abandonner|dejar de|retention the priority|consumer waitlist|b2b|edu|university|universities|healthcare|govt|government|rfp|open source|who are we building for)\b/,
      3,
    ],
    [/\b(enterprise|go upmarket)\b/, 2],
    [
      /\bshould we\b|\bdo we (actually )?want to\b|\bare we (still )?(a|committed)\b|\bsollten wir\b|\bdeberíamos\b|\best-ce qu'on devrait\b/,
      1,
    ],
  ],
};

const injection =
  /\b(ignore (all |your |the )?(previous |prior )?instructions|system prompt|you are now|pretend (you'?re|to be)|disregard (your|all)|jailbreak|classify this message as|reply '?approved)\b|^\s*system\s*:/i;
const smallTalk =
  /^(hi|hey|hello|yo|morning|good morning|gm|thanks|thank you|thx|ty|ok|okay|k|lol|haha\w*|nvm|test|brb\b.*|\?+|gracias|merci\b.*|danke\b.*|happy friday\b.*|what can you do\??|help|who built you\??|are you a (real )?(person|bot|human)\b.*)[!. ]*$/i;

export type RuleResult = { category: Category; scores: Record<Category, number>; reason: string };

/** Slack markup out: mentions, channel links, URLs and :emoji: do not decide a lane. */
export function plainText(text: string): string {
  return text
    .replace(/<@[UW][A-Z0-9]+(\|[^>]*)?>/g, " ")
    .replace(/<#C[A-Z0-9]+\|([^>]*)>/g, " $1 ")
    .replace(/<(https?:[^>|]+)(\|[^>]*)?>/g, " ")
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/:[a-z0-9_+-]+:/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The deterministic classifier: used without a key, and whenever Claude fails. */
export function classifyByRules(raw: string): RuleResult {
  const text = plainText(raw).slice(0, 2000).toLowerCase();
  const scores: Record<Category, number> = {
    mission: 0,
    budget: 0,
    architecture: 0,
    operations: 0,
    other: 0,
  };
  if (!/[\p{L}]{2,}/u.test(text) || text.length < 2)
    return { category: "other", scores, reason: "no words to go on" };
  if (injection.test(text))
    return { category: "other", scores, reason: "reads as an instruction to the bot, not a question" };
  if (smallTalk.test(text))
    return { category: "other", scores, reason: "small talk or a question about coo itself" };
  for (const [category, rules] of Object.entries(signals) as Array<[Exclude<Category, "other">, Rule[]]>) {
    for (const [pattern, weight] of rules) if (pattern.test(text)) scores[category] += weight;
  }
  // Ties go to the lane listed first: an owner-and-date question before money, money before design.
  const order: Category[] = ["operations", "budget", "architecture", "mission"];
  const [best, score] = order.map((c) => [c, scores[c]] as const).sort((a, b) => b[1] - a[1])[0] ?? [
    "other",
    0,
  ];
  if (score < 3) return { category: "other", scores, reason: "no lane's signals were strong enough" };
  return { category: best, scores, reason: `${best} signals (${score}) outweighed the rest` };
}
