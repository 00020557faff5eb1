import type { Deps } from "../deps.js";
import { asksCoo, standupThread, tryRecordDmAnswer } from "./register.js";

/*
 * The standups feature's operations, for other features
 * (docs/decisions/0020-use-cases-and-grammar.md).
 */

/**
 * An @mention in an open standup thread that is no question to coo is a
 * standup answer (recorded from its message event), not something to route.
 */
export async function isStandupAnswer(
  deps: Deps,
  input: {
    workspaceId: string;
    channel: string;
    ts: string;
    threadTs: string | undefined;
    text: string;
    botUserId: string | undefined;
  },
): Promise<boolean> {
  const message = { channel: input.channel, ts: input.ts, thread_ts: input.threadTs };
  return (
    Boolean(await standupThread(deps, input.workspaceId, message)) &&
    !asksCoo(input.text, input.botUserId, deps.clock.now())
  );
}

/**
 * A DM from someone who answers standups by DM, while their standup is open,
 * is their answer: recorded, and they are told where. True when it was taken as one.
 */
export async function recordDmAnswer(
  deps: Deps,
  input: {
    workspaceId: string;
    userId: string;
    channel: string;
    ts: string;
    threadTs: string | undefined;
    text: string;
  },
): Promise<boolean> {
  return tryRecordDmAnswer(deps, await deps.slackFor(input.workspaceId), input.workspaceId, {
    user: input.userId,
    channel: input.channel,
    ts: input.ts,
    text: input.text,
    ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
  });
}
