import { createHash } from 'node:crypto';
import { splitCombinedPem } from '../credentials/certificate.ts';
import type { Application, KeyCredential } from '../graph/types.ts';
import { mintCredential } from '../credentials/mint.ts';
import { newestFirst } from '../credentials/newest.ts';
import { findOrphans, removeCredentials, type AppCredential } from '../credentials/retire.ts';
import type { LifecycleDeps } from '../credentials/types.ts';
import type { VerifyInput } from '../mail/types.ts';
import type { Secret } from '../core/secret.ts';
import type { Journal } from '../credentials/journal.ts';
import { MARKER_PREFIX } from '../core/tags.ts';
import type { Change, Desired, Observed } from './types.ts';

/**
 * Step "certificate" (`provision --credential certificate`): the certificate
 * variant of the secret step. Like a secret it has no natural key, so the tool's marker in the key
 * credential's displayName tells its own certificates from foreign ones, and the journal records
 * minting → minted → delivering → delivered. Minting and removal are rotate's own
 * (src/credentials/mint.ts, src/credentials/retire.ts): only the public part reaches Entra, in one
 * PATCH of the full keyCredentials list that keeps every foreign certificate (docs/graph-applications.md#certificates-keycredentials-addkey).
 */
export interface CertificatePlan {
  changes: Change[];
  mint: boolean;
  /** Certificates minted by a run that died before delivering their private key: nobody holds it. */
  orphans: AppCredential[];
  /** The managed certificate kept when no new one is minted. */
  kept?: KeyCredential;
}

/** A certificate minted by this run; `pem` is the private key followed by the certificate. */
export interface MintedCertificate {
  keyId: string;
  marker: string;
  endDateTime: string;
  thumbprint: string;
  pem: Secret;
}

/** Pure: keep the newest valid managed certificate unless `--new-secret`; drop orphans. */
export function planCertificate(
  desired: Pick<Desired, 'newSecret' | 'secretLifetimeDays'>,
  observed: Observed,
  nowMs: number,
): CertificatePlan {
  const application = observed.application;
  const orphans = application
    ? findOrphans(application, observed.journal ?? emptyJournal(observed)).filter((c) => c.kind === 'certificate')
    : [];
  const valid = (application?.keyCredentials ?? [])
    .filter(
      (c) =>
        (c.displayName ?? '').startsWith(MARKER_PREFIX) && !orphans.some((o) => o.keyId === c.keyId) && Date.parse(c.endDateTime) > nowMs,
    )
    .sort(newestFirst(observed.journal));
  const mint = desired.newSecret || valid.length === 0;
  const changes: Change[] = orphans.map((o) => ({
    step: 'certificate',
    action: 'remove',
    summary: `remove certificate ${o.keyId}: minted by an interrupted run and never delivered`,
  }));
  if (mint) {
    const why = desired.newSecret ? 'as asked (--new-secret)' : 'no valid certificate minted by entra-mail exists';
    changes.push({
      step: 'certificate',
      action: 'create',
      summary: `add a self-signed certificate valid ${desired.secretLifetimeDays} days (public part only), ${why}`,
    });
  } else {
    const kept = valid[0] as KeyCredential;
    changes.push({
      step: 'certificate',
      action: 'none',
      summary: `keep certificate ${kept.keyId} (expires ${kept.endDateTime.slice(0, 10)}); --new-secret mints another`,
    });
  }
  return { changes, mint, orphans, kept: mint ? undefined : valid[0] };
}

/**
 * Apply: remove orphans, then mint once through rotate's `mintCredential` (keyId chosen before the
 * PATCH, so a repeated write is the same write; journal minting → minted). The private key never
 * leaves this process except into the 0600 PEM file the output step writes.
 */
export async function applyCertificate(
  deps: LifecycleDeps,
  app: Application,
  desired: Pick<Desired, 'secretLifetimeDays'>,
  plan: CertificatePlan,
  journal: Journal,
  saveJournal: (journal: Journal) => Promise<void>,
): Promise<{ minted?: MintedCertificate; journal: Journal }> {
  const save = async (j: Journal): Promise<Journal> => {
    await saveJournal(j);
    return j;
  };
  let current = journal;
  if (plan.orphans.length > 0) current = await removeCredentials(deps, app.id, plan.orphans, current, save);
  if (!plan.mint) return { journal: current };
  const result = await mintCredential(deps, app, 'certificate', desired.secretLifetimeDays, current, save);
  const { keyId, marker, endDateTime, value, thumbprint } = result.credential;
  return { minted: { keyId, marker, endDateTime, thumbprint: thumbprint ?? '', pem: value }, journal: result.journal };
}

/** SHA-1 thumbprint of a key credential read back from Graph (its `key` is the public DER), when the key was returned. */
export function thumbprintOf(credential: Pick<KeyCredential, 'key'>): string | null {
  return credential.key ? createHash('sha1').update(Buffer.from(credential.key, 'base64')).digest('hex').toUpperCase() : null;
}

/** What `provision --verify` signs in with: the minted PEM split into certificate and private key. */
export function certificateSignIn(minted: MintedCertificate): VerifyInput['credential'] {
  return splitCombinedPem(minted.pem);
}

function emptyJournal(observed: Observed): Journal {
  return { version: 1, tenantId: observed.organization.id, uniqueName: observed.application?.uniqueName ?? '', credentials: [] };
}
