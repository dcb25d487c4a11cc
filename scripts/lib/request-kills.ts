import type { RequestLogEntry } from '../../src/sandbox/context.ts';
import type { Harness } from './harness.ts';
import type { AppSinks } from './sink-holdings.ts';

/**
 * Kills at a request: the sandbox runs in the campaign's own process, so the campaign sees each
 * request the moment the sandbox has handled it (the write committed) and before the answer is
 * written back, and can SIGKILL the CLI right then: the tenant changed and the CLI never heard of
 * it. These are the moments a random timer rarely hits. Nothing in the product is involved.
 */
export interface KillPoint {
  name: string;
  /** The nth request this matches is the one the CLI dies at. */
  matches(entry: RequestLogEntry): boolean;
  nth: number;
}

type Watcher = (entry: RequestLogEntry) => void;
const taps = new WeakMap<Harness, Set<Watcher>>();

/** Calls `watcher` with every request the sandbox answers from now on, before the answer leaves; returns the undo. */
export function watchRequests(h: Harness, watcher: Watcher): () => void {
  let watchers = taps.get(h);
  if (!watchers) {
    const set = new Set<Watcher>();
    watchers = set;
    taps.set(h, set);
    const log = h.sandbox.ctx.log;
    const push = log.push.bind(log);
    log.push = (...entries: RequestLogEntry[]) => {
      for (const entry of entries) for (const w of set) w(entry);
      return push(...entries);
    };
  }
  watchers.add(watcher);
  return () => void watchers.delete(watcher);
}

/** Where a rotate of `app` can die at a request. */
export function rotateKillPoints(h: Harness, app: AppSinks): KillPoint[] {
  const appOf = () => h.sandbox.ctx.state.applications.find((a) => a.uniqueName === app.uniqueName);
  const on = (verb: string) => (e: RequestLogEntry) => e.method === 'POST' && e.path.endsWith(`/${appOf()?.id}/${verb}`);
  const points: KillPoint[] = [
    { name: 'addPassword committed, answer lost', matches: on('addPassword'), nth: 1 },
    { name: 'removePassword committed, answer lost', matches: on('removePassword'), nth: 1 },
  ];
  for (const nth of [1, 2, 3]) {
    points.push({ name: `confirmation token ${nth}`, matches: (e) => e.kind === 'token' && e.caller === appOf()?.appId, nth });
  }
  if (app.vaultSecret) {
    const name = app.vaultSecret;
    points.push({
      name: 'vault write landed, answer lost',
      // Landed: answered 2xx (a 401 challenge on the same URL changed nothing).
      matches: (e) => e.method === 'PUT' && e.path.endsWith(`/secrets/${name}`) && e.status >= 200 && e.status < 300,
      nth: 1,
    });
  }
  return points;
}

/** Where a provision of `uniqueName` can die at a request. */
export function provisionKillPoints(h: Harness, uniqueName: string): KillPoint[] {
  const appOf = () => h.sandbox.ctx.state.applications.find((a) => a.uniqueName === uniqueName);
  return [
    {
      name: 'app upsert committed, answer lost',
      matches: (e) => e.method === 'PATCH' && e.path.includes(`(uniqueName='${uniqueName}')`),
      nth: 1,
    },
    {
      name: 'addPassword committed, answer lost',
      matches: (e) => e.method === 'POST' && e.path.endsWith(`/${appOf()?.id}/addPassword`),
      nth: 1,
    },
  ];
}
