import { settleDeliveries, type SinkProbe } from './delivery-record.ts';
import { journalPath, readJournal, writeJournal, type Journal } from './journal.ts';
import { lockApp } from './lock.ts';

/** One app's local state while a run holds its lock: the settled journal and how to save it. */
export interface AppState {
  journal: Journal;
  /** Another run held the lock first: anything read before taking it may be stale. */
  waited: boolean;
  /** Writes the journal; refuses once the lock was lost. */
  save(journal: Journal): Promise<Journal>;
  release(): Promise<void>;
}

/**
 * Takes the app's lock (tenant + uniqueName, src/credentials/lock.ts), then reads its journal and
 * settles what a crashed run left (src/credentials/delivery-record.ts). Every journal write goes
 * through `save`, under the lock, until `release`.
 */
export async function openAppState(
  deps: { env: NodeJS.ProcessEnv; tenantId: string; now: () => Date; lockWaitMs?: number },
  app: { uniqueName: string; appId?: string },
  command: string,
  probe?: SinkProbe,
): Promise<AppState> {
  const path = journalPath(deps.env, deps.tenantId, app.uniqueName);
  const lock = await lockApp(path, {
    command,
    nowIso: () => deps.now().toISOString(),
    ...(deps.lockWaitMs !== undefined ? { waitMs: deps.lockWaitMs } : {}),
  });
  try {
    const read = (await readJournal(path)) ?? { version: 1 as const, tenantId: deps.tenantId, uniqueName: app.uniqueName, credentials: [] };
    const journal = (await settleDeliveries({ ...read, ...(app.appId ? { appId: app.appId } : {}) }, probe)) as Journal;
    return {
      journal,
      waited: lock.waited,
      async save(next) {
        lock.assertHeld();
        await writeJournal(path, next);
        return next;
      },
      release: () => lock.release(),
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}
