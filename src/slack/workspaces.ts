import type { Db } from "../db/open.js";

/** Makes sure the workspace row exists; remembers the ones it has seen. */
export function workspaceRegistry(db: Db) {
  const known = new Set<string>();
  return async (workspaceId: string): Promise<void> => {
    if (known.has(workspaceId)) return;
    await db.workspace.upsert({ where: { id: workspaceId }, create: { id: workspaceId }, update: {} });
    known.add(workspaceId);
  };
}
