import type { AckFn, AnyMiddlewareArgs, Context, RespondArguments } from "@slack/bolt";
import type { Reply } from "./commands.js";
import { respondTo } from "./respond.js";

/**
 * Slack shows the user an error when a command is not acknowledged within
 * 3 seconds of sending it; this leaves room for the network both ways.
 */
export const ackDeadlineMs = 2500;

export const workingOnIt = "Working on it… I'll post the answer here in a moment.";

/**
 * Acks a slash command with its reply if the reply is ready in time.
 * Otherwise acks at once with a short note and posts the reply to the
 * command's response_url when it comes; a failure after that point is
 * thrown as usual and the error handler answers through response_url too.
 */
export async function replyInTime(
  ack: AckFn<string | RespondArguments>,
  responseUrl: string,
  work: Promise<Reply>,
  deadlineMs = ackDeadlineMs,
): Promise<void> {
  const settled = work.then(
    (reply) => ({ reply }),
    (error: unknown) => ({ error }),
  );
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), deadlineMs);
  });
  const first = await Promise.race([settled, late]);
  clearTimeout(timer);
  if (first) {
    if ("error" in first) throw first.error;
    await ack({ response_type: "ephemeral", ...first.reply } as RespondArguments);
    return;
  }
  await ack({ response_type: "ephemeral", text: workingOnIt });
  const outcome = await settled;
  if ("error" in outcome) throw outcome.error;
  await respondTo(responseUrl, { response_type: "ephemeral", ...outcome.reply });
}

/** Where the arrival time of a request is kept on Bolt's context. */
const arrivedAt = "cooArrivedAt";

/** Global middleware: notes when the request arrived (a `performance.now()` reading), before anything of ours runs. */
export async function noteArrival({
  context,
  next,
}: AnyMiddlewareArgs & { context: Context; next: () => Promise<void> }): Promise<void> {
  context[arrivedAt] = performance.now();
  await next();
}

export function arrivalOf(context: Context | undefined): number | undefined {
  const at = context?.[arrivedAt];
  return typeof at === "number" ? at : undefined;
}
