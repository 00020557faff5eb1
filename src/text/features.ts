/*
 * Step two: the parts of a normalised message (normalise.ts) that say which
 * lane it belongs to. A person mentioned, an item of work, a date, a status
 * question, a change to the ledger, money, technology, strategy, small talk.
 * Each part has a hand-set weight per lane (the rules); the trained weights
 * (model.ts) add to them.
 */

export type Lane = "mission" | "budget" | "architecture" | "operations" | "other";

type Part = { name: string; pattern: RegExp; weights: Partial<Record<Lane, number>> };

const item =
  "(deck|doc|docs|report|update|ticket|task|tasks|item|items|review|draft|spec|specs|pr|release|launch|migration|audit|export|page|copy|plan|proposal|shortlist|contract|nda|presentation|slides|video|demo|integration|onboarding|training|milestone|deliverable|deliverables|commitment|commitments|thing|stuff|work)";
const weekday =
  "(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri)";
const month =
  "(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december)";

export const parts: Part[] = [
  { name: "person", pattern: /\bzperson\b/, weights: { operations: 1 } },
  {
    name: "date",
    pattern: new RegExp(
      `\\b(tomorrow|today|tonight|this week|next week|end of (day|week|month)|${weekday}|zdate|${month} znum|in znum (days|weeks|hours)|by (then|noon)|this afternoon|this morning)\\b`,
    ),
    weights: { operations: 2 },
  },
  {
    name: "status_question",
    pattern:
      /\b(status|where are we|where do we stand|done yet|finished yet|gone out|go out|get sent|been sent|was sent|sent yet|shipped yet|landed|did .{1,40} (send|ship|finish|happen|go|get|land|submit)|has .{1,40} (been|gone|sent|shipped)|ya se|est-ce que .{1,30} (envoye|fini)|ist .{1,30} (erledigt|fertig|raus)|ja foi)\b/,
    weights: { operations: 3 },
  },
  {
    name: "owner_question",
    pattern:
      /\b(who (is|s|are)? ?(owning|owns|own|on|driving|responsible|handling|doing|covering|backing|picking|taking|running)|whose is|who owns|dri for|owner of|whose job|whose task|who has the .{1,20} (ticket|task|item))/,
    weights: { operations: 4 },
  },
  {
    name: "cover",
    pattern:
      /\b(cover|covering|covers|backing up|picks? up|picking up|take over|takes over|ubernimmt|substitui|remplace|cubre|leave|sick|out sick|off sick|parental|elternzeit)\b/,
    weights: { operations: 2 },
  },
  {
    name: "blocking",
    pattern:
      /\b(block|blocks|blocking|blocked|blocker|blockers|holding up|held up|stuck|waiting on|waiting for|bloque|blockiert|travado)\b/,
    weights: { operations: 3 },
  },
  {
    name: "late",
    pattern:
      /\b(late|overdue|slip|slips|slipped|slipping|behind|at risk|risk of|riskiest|not make it|wont make|won t make|miss the|missed|did we miss|past due|in danger|danger|liegen geblieben|stopping us|holding us|on track|off track|atrasad\w*|retard|verspatet|in trouble)\b/,
    weights: { operations: 3 },
  },
  {
    name: "cadence",
    pattern:
      /\b(standup|stand up|retro|weekly review|review|sync|znum:znum|1 1|meeting|demo day|planning|kickoff|point d equipe)\b/,
    weights: { operations: 2 },
  },
  {
    name: "ledger_change",
    pattern: new RegExp(
      `\\b(push|move|slide|bump|reschedule|postpone|delay|hand|give|transfer|reassign|assign|pass|mark|marking|tick|close|cancel|marcar|passa|pasa|drop|remove|scrap|kill|flag|log|record|add)\\b.{0,60}\\b(${item}|to ${weekday}|to next|a week|by a|to zperson|as done|complete|done|off my list|from my list)\\b`,
    ),
    weights: { operations: 4 },
  },
  {
    name: "my_list",
    pattern:
      /\b(my (plate|list|open|items|tasks|stuff|commitments|day|week|todo|to do)|my week|what have i promised|supposed to be doing|what do i (need|have) to|what i (need|have) to|need to get done|on my side|j ai a|que tengo|o que tenho|was habe ich|on me|on my side|for me (today|tomorrow|this week)|i have (today|tomorrow|due))\b/,
    weights: { operations: 4 },
  },
  {
    name: "i_will",
    pattern:
      /\b(i will|will ship|will send|will have|will deliver|will finish|je m engage|m engage|livrer|vou entregar|voy a entregar|ich liefere|i am going to|going to have|i ll|i can have|will have .{1,40} by|on me by|me encargo|je m occupe|ich kummere|eu faco)\b/,
    weights: { operations: 3 },
  },
  {
    name: "when_due",
    pattern:
      /\b(eta|deadline|due|due date|how far along|by when|when is .{1,40} (due|ready|done|final|happening)|when does .{1,40} need|when are we|znum done|zpercent done|on call|nobody has owned|nobody owns|assign someone|orphaned|kummert|ubergabe|handoff|hand off|handover)\b/,
    weights: { operations: 4 },
  },
  { name: "remind", pattern: /\b(remind|reminder|nudge me|ping me|chase)\b/, weights: { operations: 4 } },
  {
    name: "working_on",
    pattern:
      /\b(working on|work on|currently|handling|owns|has to deliver|anything open for|tem pra entregar|doing right now|doing now|busy with|woran|on the .{1,20} (project|flow)|still on|arbeitet|trabalhando|travaille)\b/,
    weights: { operations: 3 },
  },
  {
    name: "to_someone",
    pattern:
      /\b(move|give|hand|pass|passa|pasa|transfer|reassign|assign|reassigning|send)\b.{1,60}\b(to|pra|para|a|an|zu) (zperson|[a-z]{2,12})( please)?$/,
    weights: { operations: 3 },
  },
  {
    name: "done_report",
    pattern:
      /\b(done with|finished|delivered|shipped|sent|signed|booked|tick it off|tick off|close the|closing the|mark .{1,40} (done|complete)|is done|all done|concluida|concluido|termine|erledigt)\b/,
    weights: { operations: 2 },
  },
  {
    name: "no_longer",
    pattern:
      /\b(no longer|not doing|don t need|dont need|drop|scrap|remove it|take it off|won t do|wont do|ya no|plus besoin|nicht mehr|nao vamos)\b/,
    weights: { operations: 2 },
  },
  { name: "item", pattern: new RegExp(`\\b${item}\\b`), weights: { operations: 1 } },
  {
    name: "money",
    pattern:
      /\b(zmoney|po|purchase order|p l|pnl|break even|take rate|allowance|seats|bookkeeper|corporate card|reimbursement|headcount|grant|grants|budget|budgets|spend|spending|spent|cost|costs|costing|cheaper|pricey|expensive|expense|expenses|invoice|invoices|reimburse\w*|discount|salary|salaries|raise|comp|compensation|equity|commission|margin|margins|cac|ltv|mrr|arr|revenue|profit|profitable|money|bill|billing|pay|paying|paid|payment|price|prices|pricing|charge|plan price|renewal|license|licenses|card|runway|burn|cash|funding|fundraise|bridge|seed|series|investor|vat|tax|taxes|payroll|afford|quote|rate|hourly|retainer|fee|fees|per seat|annual|refund|refunds|subscription|vendor cost|overspend|bonus|bonuses|stock options|options|strike|stipend|deal size|purchase order|overpaying|overpay|lease|rabatt|tarifa|rembourser|reimbursement|surcharge|renegotiate|offer|candidate|bookkeeper|accountant|savings|save money|how much|worth paying|per month|per year|per user|upfront|prepay|prepayment|zpercent off|off for|cheaper|pricey|hourly|fixed fee|leisten|charge for|pay for|free with|roi|payback|headcount|wage|wages|pension|ebitda|gross margin|cogs|unit cost|procurement|purchase|tier|upgrade|downgrade|receivable|receivables|payable|grant|loan|valuation|dilution|cap table|round|investors|board pack|finance|financial|financials|accounting|cheaper option|pricier|fx|currency|capex|opex|forecast|p&l|pnl)\b/,
    weights: { budget: 3 },
  },
  {
    name: "tech",
    pattern:
      /\b(deploy|deploys|canary|blue green|monitoring|observability|microfrontends|idempotency|idempotent|tenant|multi tenant|feature store|pub sub|stored procedures|business logic|hashing|time series|db|disaster recovery|transcoding|build vs buy|cold starts|rate limits|resilient|scale|scaling|design it|data model|pipeline|pipelines|offline sync|postgres|postgresql|mysql|dynamodb|sqlite|redis|kafka|sqs|rabbitmq|elasticsearch|database|schema|orm|sql|kubernetes|ecs|serverless|lambda|multi region|failover|dns|cache|caching|queue|queues|worker|microservice|microservices|monolith|monorepo|architecture|event driven|event sourcing|graphql|rest|grpc|api|apis|webhook|webhooks|jwt|oauth|sso|saml|encryption|secrets|stack|framework|typescript|python|golang|rust|java|kotlin|swift|react|native|backend|frontend|bff|infrastructure|cloud|aws|gcp|azure|terraform|firmware|self host|self hosted|tech debt|technical debt|refactor|rewrite|latency|scalability|scale|sdk|protocol|service|services|data model|pipeline|ci|cd|deploy|deployment|observability|logging|server|servers|mobile|offline|sync engine|vendor lock|engine|tech debt|containerize|container|containers|docker|deprecate|deprecation|backup|backups|restore|restores|storage|partition|retries|retry|idempotent|idempotency|node|cms|headless|cqrs|overengineering|maintainability|mcu|chip|pcb|ota|php|nextjs|remix|wordpress|vue|angular|svelte|django|rails|deno|module|modules|design review|session store|memory|cpu|replica|replicas|sharding|index|indexes|query|queries|s3|glacier|cdn|load balancer|tls|certificate|hardware root|embedded|unity|unreal|godot|physics|shader|netcode|multiplayer|build pipeline|uptime|sla|etl|dbt|airflow|spark|bigquery|snowflake|clickhouse|mongo|mongodb|cassandra|vector|embedding|embeddings|llm|gpu|edge|iot|mqtt|bluetooth|ble|lora|rtos|linux|android|ios|flutter|electron|pwa|ssr|nginx|service mesh|feature flags|auth|authentication|authorization|permissions|rbac|abac|tenant|multi tenant|tenancy|kms|vault|zero trust|vpn|sftp|edi|middleware|message bus|event bus|pub sub|batch|streaming|websocket|websockets|polling|throughput|bottleneck|hosting|vercel|heroku|cloudflare|on prem|hybrid|codebase|repo|repos|library|libraries|dependency|dependencies|versioning|migration path|data store|datastore|storage layer|design pattern|coupling|decouple|modular|interface|contract tests|testing strategy|test pipeline)\b/,
    weights: { architecture: 3 },
  },
  {
    name: "strategy",
    pattern:
      /\b(position|differentiator|differentiate|which customers|target|targeting|verticals|persona|buyers|core|goals|success look like|why now|pitch|product led|sales led|growth|go international|b2b|b2c|open source|franchise|repositioning|who we want|not doing|vision|mission|north star|strategy|strategic|direction|positioning|focus|priority|priorities|prioritize|bet|bets|double down|market|markets|segment|upmarket|enterprise|smb|vertical|expansion|expand|pivot|acquire|acquisition|partnership|long term|big picture|who are we|what are we|are we (a|an|still)|our why|why we|company goal|company goals|okr|okrs|objective|objectives|values|culture|brand|competitor|competitors|compete|customers we|ideal customer|core business|side project|distraction|roadmap|ambition|identity|theme|philosophy|marketplace|known for|wind down|line of business|linea de negocio|apuesta|apostando|aposta|wette|want to be|quer ser|queremos ser|one product|a suite|in scope|out of scope|more important|fast or|tranche|cambio de rumbo|all in|the plan still|still the plan|become|business model|long run|five year|znum year|saas|platform|agency or|studio|sunset|moonshot|winning|go after|headed|saying no|one thing|kill the|stop building|abandon|abandonner|concentrer|concentrate|keep it around|use case|sell into|purpose|why we exist|thesis|ten year|exit|ipo|sell the company|merge|merger|spin off|impact|category|niche|wedge|beachhead|flagship|core product|product line|geography|international|europe|latam|apac|refocus|narrow|broaden|who we serve|icp|ideal customer|what kind of company|kind of company|company we want|long game|bigger picture|what matters most|most important thing)\b/,
    weights: { mission: 3 },
  },
  {
    name: "should_we",
    pattern:
      /\b(should we|do we want|are we going to|is it worth|worth it|or should we|do we (still )?do|deberiamos|devrions|sollten wir|devemos)\b/,
    weights: { mission: 1 },
  },
  {
    name: "build_choice",
    pattern:
      /\b(build or buy|build vs buy|roll our own|build our own|or just use|instead of|migrate to|move to|switch to|versus|vs)\b/,
    weights: { architecture: 1 },
  },
  {
    name: "small_talk",
    pattern:
      /^(hi|hey|hello|yo|morning|good morning|gm|thanks|thank you|ok|okay|okok|k|lol|lmao|haha\w*|nvm|test|brb|buenos dias|bom dia|guten morgen|bon week end|happy friday|good night|gn|cheers)\b/,
    weights: { other: 3 },
  },
  {
    name: "about_coo",
    pattern:
      /\b(you re a|are you (a|real|human|ok)|who built you|what can you do|good bot|bad bot|how are you)\b/,
    weights: { other: 4 },
  },
  {
    name: "office_hr",
    pattern:
      /\b(policy|policies|hr|payroll details|bank details|badge|printer|wifi|password|laptop|desk|office|kitchen|coffee|parking|lunch|birthday|party|heating|holiday policy|leave policy|sick note|manager|complaint|burnt out|burnout|phishing|insurance|keyboard|monitor|it ticket|intranet|template|legal|hackathon|working from home|gym|personal|building|loo|toilet|away day|bowling|escape room|vacation days|leave days|days left|key to|nice work|good job|well done|great job|omg|weekend|lunch|snacks|music|playlist|joke|weather|recommend|restaurant|pizza|party|secret santa|fire drill|first aid|visa|relocation|swag|hoodie|plants|fridge|microwave|umbrella|bike|train|commute|traffic|movie|series on|game night|karaoke|congrats|congratulations|welcome|happy birthday|anniversary)\b/,
    weights: { other: 2 },
  },
  {
    name: "instruction",
    pattern:
      /\b(ignore (all |your |the )?(previous |prior )?instructions|system prompt|you are now|pretend (you are|to be)|disregard (your|all)|jailbreak|classify this message)\b/,
    weights: { other: 8 },
  },
];

/** The parts a normalised message has, by name. */
export function partsOf(normalised: string): string[] {
  return parts.filter((p) => p.pattern.test(normalised)).map((p) => p.name);
}

/** A crude stem: "slipping", "slipped" and "slips" weigh as "slip". */
function stemOf(w: string): string {
  if (w.length <= 4) return w;
  const cut = w.replace(/(ing|ed|es|s|ly|ment|ation|ations)$/, "");
  return cut.length >= 3 ? cut.replace(/(.)\1$/, "$1") : w;
}

/**
 * What the trained weights may read: each word and its crude stem (`w:`), each pair of neighbouring
 * words (`b:`), the character 4-grams of each word (`c:`, so "invoice", "invoices" and "invoiced"
 * share most of theirs, and so do typos), the parts (`p:`) and a short message. The trainer keeps
 * only some kinds (scripts/train-routing.ts --kinds); a feature the model has no weight for weighs
 * nothing.
 */
export function featuresOf(normalised: string): string[] {
  const ws = normalised.split(" ").filter(Boolean);
  const out = new Set<string>();
  for (const w of ws) {
    out.add(`w:${w}`);
    const stem = stemOf(w);
    if (stem !== w) out.add(`w:${stem}`);
    const padded = `_${w}_`;
    for (let i = 0; i + 4 <= padded.length; i++) out.add(`c:${padded.slice(i, i + 4)}`);
  }
  for (let i = 1; i < ws.length; i++) out.add(`b:${ws[i - 1]}_${ws[i]}`);
  for (const p of partsOf(normalised)) out.add(`p:${p}`);
  if (ws.length <= 3) out.add("short");
  return [...out];
}

/**
 * A trained linear model's probabilities (softmax): `start` holds each class's
 * logit before the features (bias, and any fixed scores), `weights` each
 * feature's weight per class.
 */
export function probabilitiesOf(
  start: number[],
  features: string[],
  weights: Record<string, number[]>,
): number[] {
  const logits = [...start];
  for (const f of features) {
    const w = weights[f];
    if (w) for (let k = 0; k < logits.length; k++) logits[k] = (logits[k] ?? 0) + (w[k] ?? 0);
  }
  const top = Math.max(...logits);
  const e = logits.map((x) => Math.exp(x - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}
