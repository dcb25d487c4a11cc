import { resolve } from 'node:path';
import type { TokenCredential } from '@azure/identity';
import type { Deps } from '../core/deps.ts';
import { openAppState, type AppState } from '../credentials/app-state.ts';
import {
  fileSinkId,
  probeSinks,
  recordSink,
  setSinkStates,
  settleDeliveries,
  sinksOf,
  type SinkProbe,
} from '../credentials/delivery-record.ts';
import { DEFAULT_GRACE_MS, journalEntryOf, pastGrace, supersede } from '../credentials/grace.ts';
import { journalPath, readJournal, type Journal, type SinkRecord } from '../credentials/journal.ts';
import { removeCredentials, type AppCredential } from '../credentials/retire.ts';
import { keyVaultSink } from '../credentials/sinks/key-vault-sink.ts';
import type { CredentialKind, LifecycleDeps } from '../credentials/types.ts';
import type { Application } from '../graph/types.ts';

/**
 * Provision's side of the credential lifecycle (docs/credential-lifecycle.md): the app's lock and
 * journal, the `--out` file's delivery record, and retiring what a new secret superseded.
 */
export interface ProvisionJournal {
  /**
   * Takes the lock (not for --dry-run), reads and settles the journal; called once the tenant id
   * is known. `waited`: another run held the lock first, so what was read before is stale.
   */
  open(tenantId: string): Promise<{ journal: Journal | undefined; waited: boolean }>;
  /**
   * The app id the journal records, read without the lock: only a guess for the reads (a re-run's
   * service principal is asked for beside the first round), never a base for a change.
   */
  peekAppId(tenantId: string): Promise<string | undefined>;
  save(journal: Journal): Promise<void>;
  release(): Promise<void>;
}

export function provisionJournal(
  deps: Pick<Deps, 'env' | 'clock' | 'lockWaitMs'>,
  uniqueName: string,
  dryRun: boolean,
  probe: SinkProbe = probeSinks(),
): ProvisionJournal {
  let state: AppState | undefined;
  // The lock is taken while the tenant is still being read; a read that fails first must not leave
  // it held, so `release` waits for a taking that is under way.
  let opening: Promise<AppState> | undefined;
  return {
    async open(tenantId) {
      if (dryRun)
        return { journal: await settleDeliveries(await readJournal(journalPath(deps.env, tenantId, uniqueName)), probe), waited: false };
      const lockDeps = {
        env: deps.env,
        tenantId,
        now: () => deps.clock.now(),
        ...(deps.lockWaitMs !== undefined ? { lockWaitMs: deps.lockWaitMs } : {}),
      };
      opening = openAppState(lockDeps, { uniqueName }, 'provision', probe);
      state = await opening;
      return { journal: state.journal, waited: state.waited };
    },
    peekAppId: (tenantId) =>
      readJournal(journalPath(deps.env, tenantId, uniqueName)).then(
        (journal) => journal?.appId,
        () => undefined,
      ),
    async save(journal) {
      if (!state) throw new Error('the journal is written only under the lock');
      await state.save(journal);
    },
    async release() {
      const held = state ?? (await opening?.catch(() => undefined));
      opening = undefined;
      state = undefined;
      await held?.release();
    },
  };
}

/** The `--out` file's record before the write (`pending`, with the content's digest). */
export function recordFilePending(journal: Journal, marker: string, sink: { path: string; sha256: string }, at: string): Journal {
  return recordSink(journal, marker, { id: fileSinkId(resolve(sink.path)), state: 'pending', sha256: sink.sha256 }, at);
}

/** After the write: provision has no token check, so the written file is the delivery. */
export function recordFileDelivered(journal: Journal, marker: string, at: string): Journal {
  return setSinkStates(journal, marker, 'confirmed', at);
}

/**
 * Once `--out` holds `current` (the credential this run minted, or the one it kept after an
 * interrupted rotation left it in that file), the older tool-minted ones of its kind that no
 * other sink holds retire after the default grace period; those whose grace period has ended are
 * removed now.
 */
export async function retireAfterProvision(
  deps: Pick<LifecycleDeps, 'graph' | 'clock'>,
  app: Application,
  journal: Journal,
  save: (journal: Journal) => Promise<Journal>,
  current: { kind: CredentialKind; keyId: string; outPath: string; minted: boolean } | undefined,
  probe: SinkProbe = probeSinks(),
): Promise<Journal> {
  const nowMs = deps.clock.nowMs();
  let latest = journal;
  const doomed: AppCredential[] = [];
  const outFile = current ? fileSinkId(resolve(current.outPath)) : '';
  const entry = current ? journalEntryOf(latest, { keyId: current.keyId, displayName: null }) : undefined;
  const fileHoldsIt = current?.minted || (entry !== undefined && (await anyHolds(sinksOf(entry), outFile, entry.keyId, probe)));
  if (current && fileHoldsIt) {
    // Sinks that took `current` (an interrupted rotation wrote it to the vault too) hold it, not the older ones.
    const tookCurrent = (entry ? sinksOf(entry) : []).filter((r) => r.state === 'written' || r.state === 'confirmed').map((r) => r.id);
    const superseded = await supersede(app, latest, {
      kind: current.kind,
      newKeyId: current.keyId,
      keep: 0,
      graceMs: DEFAULT_GRACE_MS,
      nowMs,
      replaced: [outFile, ...tookCurrent],
      probe,
    });
    if (superseded.journal !== latest) latest = await save(superseded.journal);
    doomed.push(...superseded.removeNow);
  }
  doomed.push(...pastGrace(app, latest, nowMs).filter((c) => c.keyId !== current?.keyId && !doomed.some((d) => d.keyId === c.keyId)));
  if (doomed.length === 0) return latest;
  return removeCredentials(deps, app.id, doomed, latest, save);
}

async function anyHolds(records: SinkRecord[], id: string, keyId: string | undefined, probe: SinkProbe): Promise<boolean> {
  for (const record of records.filter((r) => r.id === id)) if (await probe(record, keyId)) return true;
  return false;
}

/**
 * Looks into the Key Vault secrets an earlier rotate delivered to (`keyvault:<url>#<name>`
 * records), with the admin's own sign-in: a vault that holds a newer credential no longer holds
 * the older one. Without access to the vault the answer is "cannot tell", and the older one is kept.
 */
export function vaultProbe(credential: TokenCredential): SinkProbe {
  return probeSinks(async (record, keyId) => {
    const match = /^keyvault:(https:\/\/[^#]+)#(.+)$/.exec(record.id);
    if (!match) return undefined;
    const sink = keyVaultSink({ vaultUrl: match[1] as string, secretName: match[2] as string, credential, appId: '' });
    return sink.holds(record, keyId);
  });
}
