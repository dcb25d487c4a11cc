import type { Clock } from '../core/clock.ts';
import { sinksOf } from '../credentials/delivery-record.ts';
import { deliverToSinks, type JournalHandle } from '../credentials/deliver.ts';
import type { Journal } from '../credentials/journal.ts';
import type { MintedSecret } from '../credentials/secret.ts';
import type { DeliveredConfig, NewCredential, Sink } from '../credentials/types.ts';
import type { Application } from '../graph/types.ts';
import type { Change } from './types.ts';

/**
 * Sinks beyond `--out` that a secret provision mints also goes to: fleet apply's Key Vault secret
 * and `--on-rotate` command (docs/fleet.md#sinks-on-apply), through rotate's sink code
 * (src/credentials/sinks/). Built per app, since a sink names the app's client id.
 */
export interface ExtraSinks {
  build(app: Pick<Application, 'id' | 'appId' | 'displayName'>): {
    sinks: Sink[];
    /** What the sinks receive for the secret just minted. */
    configFor(credential: NewCredential): DeliveredConfig;
  };
}

/**
 * The sinks that do not hold the secret the plan keeps. A sink with no delivery record of it never
 * got it; one that cannot tell (a command) holds it when its record says so (docs/credential-lifecycle.md).
 */
export async function sinksMissing(sinks: Sink[], journal: Journal | undefined, keyId: string): Promise<Sink[]> {
  const entry = journal?.credentials.find((c) => c.keyId === keyId);
  const missing: Sink[] = [];
  for (const sink of sinks) {
    const record = entry ? sinksOf(entry).find((r) => r.id === sink.id) : undefined;
    if (!record || record.state === 'rolled-back' || (await sink.holds(record, keyId)) === false) missing.push(sink);
  }
  return missing;
}

/** The secret step's change when a kept secret is missing from a sink: mint one that every sink gets. */
export function mintForSinks(change: Change, lifetimeDays: number, missing: Sink[]): Change {
  return {
    ...change,
    action: 'create',
    summary: `add a client secret valid ${lifetimeDays} days: ${missing.map((s) => s.describe()).join(', ')} does not hold the current one`,
  };
}

/**
 * Delivers the minted secret to every sink after the `--out` file, each journalled `pending` before
 * its write and `written` after (src/credentials/deliver.ts); the caller marks them confirmed with the
 * file. A failure is thrown after the journal says which sinks were reached: the secret is in the file,
 * and the next run, finding a sink without it, mints another for all of them.
 */
export async function deliverToExtraSinks(
  deps: { clock: Clock; log: (line: string) => void },
  handle: JournalHandle,
  built: ReturnType<ExtraSinks['build']>,
  minted: MintedSecret,
): Promise<void> {
  const credential: NewCredential = {
    kind: 'secret',
    keyId: minted.credential.keyId,
    marker: minted.marker,
    endDateTime: minted.credential.endDateTime,
    value: minted.secret,
  };
  const { error } = await deliverToSinks(deps, handle, built.sinks, built.configFor(credential), 'deliver');
  if (error) throw error;
}
