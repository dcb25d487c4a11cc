import { randomUUID } from 'node:crypto';
import { combinedPem, generateAppCertificate } from './certificate.ts';
import { currentKeyCredentials, newKeyCredential, writeKeyCredentials } from './key-credentials.ts';
import { getApplication } from '../graph/applications.ts';
import type { Application } from '../graph/types.ts';
import { recordCredential, type Journal } from './journal.ts';
import { applySecret } from './secret.ts';
import { MARKER_PREFIX } from '../core/tags.ts';
import type { CredentialKind, LifecycleDeps, NewCredential } from './types.ts';

/**
 * Mint the new credential, journalled around the call (minting → minted) so a crash leaves a
 * record the next run reconciles (docs/reliability.md#ambiguous-addpassword, docs/reliability.md#kill-after-secret-minted).
 *
 * Secrets reuse the provision step's `applySecret`: `addPassword` is never retried blindly; after
 * a 5xx or a dropped connection the credential carrying this run's marker is removed and one more
 * attempt is made. Tenant policies (`CredentialTypeNotAllowedAsPerAppPolicy`,
 * `CredentialInvalidLifetimeAsPerAppPolicy`) are not retried and surface as exit 5
 * (src/graph/errors.ts).
 *
 * Certificates go in by PATCHing the full keyCredentials list (docs/graph-applications.md#certificates-keycredentials-addkey: addKey cannot add
 * the first one) with a keyId chosen here, which makes the write safe to repeat.
 */
export async function mintCredential(
  deps: LifecycleDeps,
  app: Application,
  kind: CredentialKind,
  lifetimeDays: number,
  journal: Journal,
  saveJournal: (journal: Journal) => Promise<Journal>,
): Promise<{ credential: NewCredential; journal: Journal }> {
  if (kind === 'secret') {
    const result = await applySecret(
      { graph: deps.graph, nowMs: deps.clock.nowMs(), newRunId: deps.newId, saveJournal: async (j) => void (await saveJournal(j)) },
      app,
      { secretLifetimeDays: lifetimeDays },
      { mint: true, orphans: [] },
      journal,
    );
    const minted = result.minted;
    if (!minted) throw new Error('addPassword did not mint a secret');
    return {
      journal: result.journal,
      credential: {
        kind,
        keyId: minted.credential.keyId,
        marker: minted.marker,
        endDateTime: minted.credential.endDateTime,
        value: minted.secret,
      },
    };
  }
  const now = deps.clock.now();
  const marker = `${MARKER_PREFIX}${now.toISOString().slice(0, 10)}:${deps.newId()}`;
  const certificate = await generateAppCertificate({ subject: `${app.uniqueName ?? app.appId} (entra-mail)`, lifetimeDays, now });
  const keyId = randomUUID();
  let current = await saveJournal(recordCredential(journal, { marker, keyId, status: 'minting', at: now.toISOString() }));
  const fresh = await getApplication(deps.graph, app.id);
  await writeKeyCredentials(deps.graph, app.id, [...currentKeyCredentials(fresh), newKeyCredential(keyId, marker, certificate)]);
  current = await saveJournal(recordCredential(current, { marker, keyId, status: 'minted', at: deps.clock.now().toISOString() }));
  return {
    journal: current,
    credential: {
      kind,
      keyId,
      marker,
      endDateTime: certificate.notAfter.toISOString(),
      value: combinedPem(certificate),
      thumbprint: certificate.thumbprint,
    },
  };
}
