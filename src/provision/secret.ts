import type { PasswordCredential } from '../graph/types.ts';
import { undeliveredCredentials } from '../credentials/journal.ts';
import { newestFirst } from '../credentials/newest.ts';
import { isManagedCredential, type SecretPlan } from '../credentials/secret.ts';
import type { Change, Desired, Observed } from './types.ts';

/**
 * Step "secret": read what the app and the journal hold, and decide whether to mint. Minting,
 * journaling and orphan removal are src/credentials/secret.ts.
 */
export interface SecretStepPlan extends SecretPlan {
  changes: Change[];
}

export function planSecret(desired: Desired, observed: Observed, nowMs: number): SecretStepPlan {
  const credentials = observed.application?.passwordCredentials ?? [];
  const undelivered = undeliveredCredentials(observed.journal);
  const orphans = credentials
    .filter((c) => undelivered.some((u) => u.keyId === c.keyId || u.marker === c.displayName))
    .map((c) => ({ keyId: c.keyId, marker: c.displayName ?? '' }));
  const newest = newestFirst(observed.journal);
  const retiring = (c: PasswordCredential) => Boolean(observed.journal?.credentials.find((e) => e.keyId === c.keyId)?.retireAfter);
  const valid = credentials
    .filter((c) => isManagedCredential(c) && !orphans.some((o) => o.keyId === c.keyId) && Date.parse(c.endDateTime) > nowMs)
    // A superseded secret (inside its grace period) is kept only when nothing newer is left.
    .sort((a, b) => Number(retiring(a)) - Number(retiring(b)) || newest(a, b));
  const mint = desired.newSecret || valid.length === 0;
  const changes: Change[] = orphans.map((o) => ({
    step: 'secret',
    action: 'remove',
    summary: `remove credential ${o.keyId}: minted by an interrupted run and never delivered`,
  }));
  if (mint) {
    const why = desired.newSecret ? 'as asked (--new-secret)' : 'no valid secret minted by entra-mail exists';
    changes.push({ step: 'secret', action: 'create', summary: `add a client secret valid ${desired.secretLifetimeDays} days, ${why}` });
  } else {
    const kept = valid[0] as PasswordCredential;
    changes.push({
      step: 'secret',
      action: 'none',
      summary: `keep secret ${kept.keyId} (expires ${kept.endDateTime.slice(0, 10)}); --new-secret mints another`,
    });
  }
  return { changes, mint, orphans, kept: mint ? undefined : valid[0] };
}
