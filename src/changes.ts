/**
 * A tiny in-process feed of "these people's work changed", so views that
 * depend on the ledger (the App Home) refresh without the ledger knowing them.
 * Only views: anything a crash must not lose is a job (decision 0021).
 */
export type Change = {
  workspaceId: string;
  userIds: string[];
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
