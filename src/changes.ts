/**
 * A tiny in-process feed of "these people's work changed", so views that
 * depend on the ledger (the App Home) refresh without the ledger knowing them.
 */
export type Change = {
  workspaceId: string;
  userIds: string[];
  /** Set when a commitment moved to a new date: whoever depends on it is told. */
  slipped?: { commitmentId: number; from: Date; to: Date; reason: string | null; actorId: string };
};
export type ChangeListener = (change: Change) => void | Promise<void>;

export class ChangeFeed {
  private readonly listeners: ChangeListener[] = [];

  subscribe(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /** Listeners run in the background; their failures are theirs to log. */
  publish(change: Change): void {
    const userIds = [...new Set(change.userIds.filter(Boolean))];
    for (const listener of this.listeners)
      void Promise.resolve(listener({ ...change, userIds })).catch(() => {});
  }
}
