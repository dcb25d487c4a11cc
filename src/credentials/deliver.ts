import { isEntraMailError } from '../core/errors.ts';
import { recordSink, setSinkStates } from './delivery-record.ts';
import { recordCredential, type Journal } from './journal.ts';
import { removeCredentials } from './retire.ts';
import type { DeliveredConfig, LifecycleDeps, Sink } from './types.ts';

/** The journal and how to save it, shared by the steps of one run. */
export interface JournalHandle {
  journal: Journal;
  save(journal: Journal): Promise<Journal>;
}

/**
 * Delivers `config` to every sink in turn, journalling each one `pending` just before its first
 * write and `written` once the write returned (docs/credential-lifecycle.md). Returns the sinks
 * reached (the failing one included: it may have been written before it failed).
 */
export async function deliverToSinks(
  deps: Pick<LifecycleDeps, 'clock' | 'log'>,
  handle: JournalHandle,
  sinks: Sink[],
  config: DeliveredConfig,
  label: string,
): Promise<{ reached: Sink[]; error?: unknown }> {
  const marker = config.credential.marker;
  const at = () => deps.clock.now().toISOString();
  const reached: Sink[] = [];
  try {
    for (const sink of sinks) {
      deps.log(`${label}: delivering to ${sink.describe()}`);
      reached.push(sink);
      await sink.deliver(config, async (record) => {
        handle.journal = await handle.save(recordSink(handle.journal, marker, { id: sink.id, state: 'pending', ...record }, at()));
      });
      handle.journal = await handle.save(setSinkStates(handle.journal, marker, 'written', at(), [sink.id]));
    }
    return { reached };
  } catch (error) {
    return { reached, error };
  }
}

/** After confirmation: every sink lets go of its previous value; the credential is delivered. */
export async function commitSinks(
  deps: Pick<LifecycleDeps, 'clock'>,
  handle: JournalHandle,
  sinks: Sink[],
  config: DeliveredConfig,
): Promise<void> {
  for (const sink of sinks) await sink.commit();
  const at = deps.clock.now().toISOString();
  const { marker, keyId } = config.credential;
  handle.journal = await handle.save(
    sinks.length > 0
      ? setSinkStates(handle.journal, marker, 'confirmed', at)
      : recordCredential(handle.journal, { marker, keyId, status: 'delivered', at }),
  );
}

/**
 * A failed delivery or confirmation: puts the reached sinks back in reverse order, then removes the
 * new credential, but only when every sink is back; a sink that could not be put back still holds
 * it, and revoking it would break that sink. Returns what happened, in words for the error.
 */
export async function undoDelivery(
  deps: LifecycleDeps,
  handle: JournalHandle,
  applicationId: string,
  reached: Sink[],
  config: DeliveredConfig,
  label: string,
): Promise<string> {
  const { credential } = config;
  const at = () => deps.clock.now().toISOString();
  const stuck: Sink[] = [];
  for (const sink of [...reached].reverse()) {
    try {
      await sink.rollback();
      handle.journal = await handle.save(setSinkStates(handle.journal, credential.marker, 'rolled-back', at(), [sink.id]));
    } catch (error) {
      stuck.push(sink);
      deps.log(`${label}: could not put back ${sink.describe()}: ${isEntraMailError(error) ? error.message : 'error'}`);
    }
  }
  if (stuck.length > 0) {
    return `the new ${credential.kind} ${credential.keyId} was kept, because ${stuck.map((s) => s.describe()).join(' and ')} still hold(s) it`;
  }
  try {
    const doomed = { kind: credential.kind, keyId: credential.keyId, displayName: credential.marker, endDateTime: credential.endDateTime };
    handle.journal = await removeCredentials(deps, applicationId, [doomed], handle.journal, handle.save);
    return `the new ${credential.kind} ${credential.keyId} was removed and every sink holds the previous one again`;
  } catch {
    // The journal says minted with every sink rolled back: the next run removes it as an orphan.
    deps.log(`${label}: could not remove the new ${credential.kind} ${credential.keyId} now; the next run removes it`);
    return `every sink holds the previous credential again, but the new ${credential.kind} ${credential.keyId} could not be removed from the app; the next run removes it`;
  }
}
