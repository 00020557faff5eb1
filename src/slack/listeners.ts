import type {
  AllMiddlewareArgs,
  App,
  Middleware,
  SlackActionMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewMiddlewareArgs,
} from "@slack/bolt";

type ActionListener = Middleware<SlackActionMiddlewareArgs>;
type ViewListener = Middleware<SlackViewMiddlewareArgs>;
type EventListener = Middleware<SlackEventMiddlewareArgs<string>>;
type Entry<L> = { matches: (key: string) => boolean; listener: L };

const matcher = (constraint: string | RegExp) => (key: string) =>
  typeof constraint === "string" ? key === constraint : constraint.test(key);

/**
 * Where features register their buttons, modals and events: the same
 * signatures as Bolt's `app.action`, `app.view` and `app.event`, behind one
 * Bolt listener per kind. Bolt runs every listener's filters on every request
 * it receives (a slash command too), and measured on a bare Bolt app
 * seventeen extra listeners halved its throughput (docs/decisions/0011).
 * Listeners that match the same payload all run, as with Bolt; if any fail,
 * the first failure is what the error handler sees.
 */
export class Listeners {
  private readonly actions: Array<Entry<ActionListener>> = [];
  private readonly views: Array<Entry<ViewListener>> = [];
  private readonly events: Array<Entry<EventListener> & { type: string }> = [];

  /** A button or menu, by its action_id. */
  action(actionId: string | RegExp, listener: ActionListener): void {
    this.actions.push({ matches: matcher(actionId), listener });
  }

  /** A modal submission, by its callback_id. */
  view(callbackId: string | RegExp, listener: ViewListener): void {
    this.views.push({ matches: matcher(callbackId), listener });
  }

  /** An Events API event, by its type. */
  event<T extends string>(type: T, listener: Middleware<SlackEventMiddlewareArgs<T>>): void {
    this.events.push({ type, matches: matcher(type), listener: listener as unknown as EventListener });
  }

  /** The event types something listens to (the manifest must subscribe to each). */
  eventTypes(): string[] {
    return [...new Set(this.events.map((e) => e.type))].sort();
  }

  /** Installs the three Bolt listeners that dispatch to everything registered here. */
  attach(app: App): void {
    app.action(/.*/, (args) => run(this.actions, actionIdOf(args.action), args));
    app.view(/.*/, (args) => run(this.views, args.view.callback_id, args));
    app.event(/.*/, (args) => run(this.events, args.event.type, args));
  }
}

function actionIdOf(action: SlackActionMiddlewareArgs["action"]): string {
  return "action_id" in action ? action.action_id : "";
}

async function run<Args extends AllMiddlewareArgs>(
  entries: Array<Entry<Middleware<never>>>,
  key: string,
  args: Args,
): Promise<void> {
  const matched = entries.filter((e) => e.matches(key)).map((e) => e.listener as Middleware<Args>);
  const [only] = matched;
  if (only && matched.length === 1) return only(args);
  const results = await Promise.allSettled(matched.map((listener) => listener(args)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}
