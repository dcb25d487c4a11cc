import { isEntraMailError } from '../core/errors.ts';
import { addPassword, getApplication, removePassword } from '../graph/applications.ts';
import { GraphFailure, GraphNetworkFailure } from '../graph/errors.ts';
import type { GraphGateway } from '../graph/gateway.ts';
import type { Application, PasswordCredential } from '../graph/types.ts';
import { Secret } from '../core/secret.ts';
import { recordCredential, type Journal } from './journal.ts';
import { MARKER_PREFIX } from '../core/tags.ts';

/**
 * The client secret. A secret has no natural key, so every one the tool mints
 * carries its marker in displayName (`entra-mail:<date>:<run>`), and the journal records what was
 * minted and delivered. Secrets the tool did not mint are never touched (docs/reliability.md#foreign-credentials).
 */
export interface SecretPlan {
  mint: boolean;
  /** Credentials minted by a run that died before delivering them: nobody holds their secret. */
  orphans: { keyId: string; marker: string }[];
  /** The managed credential kept when no new one is minted. */
  kept?: PasswordCredential;
}

export function isManagedCredential(credential: PasswordCredential): boolean {
  return (credential.displayName ?? '').startsWith(MARKER_PREFIX);
}

export interface MintedSecret {
  credential: PasswordCredential;
  secret: Secret;
  marker: string;
}

export interface SecretApplyDeps {
  graph: GraphGateway;
  nowMs: number;
  newRunId: () => string;
  /** Persists the journal before and after each mint (crash safety, docs/reliability.md#ambiguous-addpassword, docs/reliability.md#kill-after-secret-minted). */
  saveJournal: (journal: Journal) => Promise<void>;
  /** Crash-test boundaries (src/provision/checkpoint.ts); a no-op unless the test hook is set. */
  checkpoint?: (name: 'before-add-password' | 'after-add-password' | 'after-secret-journal') => void;
}

/**
 * Apply: drop orphans, then mint once. `addPassword` is never retried blindly: after a 5xx or a
 * dropped connection the credential may exist with a secret nobody saw, so the app is read, the
 * credential carrying this run's marker is removed, and one more attempt is made (docs/reliability.md#ambiguous-addpassword).
 */
export async function applySecret(
  deps: SecretApplyDeps,
  app: Application,
  desired: { secretLifetimeDays: number },
  plan: SecretPlan,
  journal: Journal,
): Promise<{ minted?: MintedSecret; journal: Journal }> {
  let current = journal;
  for (const orphan of plan.orphans) {
    await removePassword(deps.graph, app.id, orphan.keyId);
    current = recordCredential(current, {
      marker: orphan.marker,
      keyId: orphan.keyId,
      status: 'removed',
      at: new Date(deps.nowMs).toISOString(),
    });
    await deps.saveJournal(current);
  }
  if (!plan.mint) return { journal: current };
  const endDateTime = new Date(deps.nowMs + desired.secretLifetimeDays * 86_400_000).toISOString();
  for (let attempt = 1; ; attempt++) {
    const marker = `${MARKER_PREFIX}${new Date(deps.nowMs).toISOString().slice(0, 10)}:${deps.newRunId()}`;
    current = recordCredential(current, { marker, status: 'minting', at: new Date(deps.nowMs).toISOString() });
    await deps.saveJournal(current);
    deps.checkpoint?.('before-add-password');
    try {
      const created = await addPassword(deps.graph, app.id, { displayName: marker, endDateTime });
      deps.checkpoint?.('after-add-password');
      const { secretText, ...credential } = created;
      current = recordCredential(current, { marker, keyId: credential.keyId, status: 'minted', at: new Date(deps.nowMs).toISOString() });
      await deps.saveJournal(current);
      deps.checkpoint?.('after-secret-journal');
      return { minted: { credential, secret: new Secret(secretText), marker }, journal: current };
    } catch (error) {
      if (attempt >= 2 || !isAmbiguous(error)) throw error;
      current = await removeByMarker(deps, app.id, marker, current);
    }
  }
}

/** A write whose outcome is unknown: a 5xx or no answer at all. */
function isAmbiguous(error: unknown): boolean {
  const cause = isEntraMailError(error) ? (error.cause as unknown) : error;
  return cause instanceof GraphNetworkFailure || (cause instanceof GraphFailure && cause.status >= 500);
}

async function removeByMarker(deps: SecretApplyDeps, applicationId: string, marker: string, journal: Journal): Promise<Journal> {
  const app = await getApplication(deps.graph, applicationId);
  const leftovers = app.passwordCredentials.filter((c) => c.displayName === marker);
  for (const c of leftovers) await removePassword(deps.graph, applicationId, c.keyId);
  const keyId = leftovers[0]?.keyId;
  const next = recordCredential(journal, { marker, keyId, status: 'removed', at: new Date(deps.nowMs).toISOString() });
  await deps.saveJournal(next);
  return next;
}
