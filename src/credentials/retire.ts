import { currentKeyCredentials, writeKeyCredentials } from './key-credentials.ts';
import { getApplication, removePassword } from '../graph/applications.ts';
import type { Application } from '../graph/types.ts';
import { recordCredential, undeliveredCredentials, type Journal } from './journal.ts';
import { MARKER_PREFIX } from '../core/tags.ts';
import type { CredentialKind, LifecycleDeps } from './types.ts';

/** A credential of either kind, as retire and status see it. */
export interface AppCredential {
  kind: CredentialKind;
  keyId: string;
  displayName: string | null;
  endDateTime: string;
}

export function credentialsOf(app: Pick<Application, 'passwordCredentials' | 'keyCredentials'>): AppCredential[] {
  return [
    ...app.passwordCredentials.map((c) => ({
      kind: 'secret' as const,
      keyId: c.keyId,
      displayName: c.displayName,
      endDateTime: c.endDateTime,
    })),
    ...app.keyCredentials.map((c) => ({
      kind: 'certificate' as const,
      keyId: c.keyId,
      displayName: c.displayName,
      endDateTime: c.endDateTime,
    })),
  ];
}

/** Minted by this tool: its marker in displayName. Anything else is foreign and never touched (docs/reliability.md#foreign-credentials). */
export function isToolCredential(credential: Pick<AppCredential, 'displayName'>): boolean {
  return (credential.displayName ?? '').startsWith(MARKER_PREFIX);
}

/**
 * Credentials a crashed run minted and never delivered: the journal has their marker (and maybe
 * keyId) as "minting"/"minted". Nobody holds their secret, so they only widen the attack surface.
 */
export function findOrphans(app: Application, journal: Journal): AppCredential[] {
  const undelivered = undeliveredCredentials(journal);
  // By keyId when the journal has it; by marker only for a mint whose answer never arrived.
  return credentialsOf(app).filter(
    (c) => isToolCredential(c) && undelivered.some((u) => (u.keyId ? u.keyId === c.keyId : u.marker === c.displayName)),
  );
}

/**
 * Removes the given credentials: secrets one `removePassword` each; certificates by one PATCH of
 * the re-read list without them (foreign certificates stay in it). The journal records each.
 */
export async function removeCredentials(
  deps: Pick<LifecycleDeps, 'graph' | 'clock'>,
  applicationId: string,
  doomed: AppCredential[],
  journal: Journal,
  saveJournal: (journal: Journal) => Promise<Journal>,
): Promise<Journal> {
  let current = journal;
  const at = () => deps.clock.now().toISOString();
  for (const c of doomed.filter((d) => d.kind === 'secret')) {
    await removePassword(deps.graph, applicationId, c.keyId);
    current = await saveJournal(
      recordCredential(current, { marker: c.displayName ?? c.keyId, keyId: c.keyId, status: 'removed', at: at() }),
    );
  }
  const keys = doomed.filter((d) => d.kind === 'certificate').map((d) => d.keyId);
  if (keys.length > 0) {
    const fresh = await getApplication(deps.graph, applicationId);
    await writeKeyCredentials(
      deps.graph,
      applicationId,
      currentKeyCredentials(fresh).filter((k) => !keys.includes(k.keyId)),
    );
    for (const c of doomed.filter((d) => d.kind === 'certificate')) {
      current = await saveJournal(
        recordCredential(current, { marker: c.displayName ?? c.keyId, keyId: c.keyId, status: 'removed', at: at() }),
      );
    }
  }
  return current;
}
