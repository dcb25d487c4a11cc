import { splitCombinedPem } from '../credentials/certificate.ts';
import { ServiceError, isEntraMailError } from '../core/errors.ts';
import { getApplication } from '../graph/applications.ts';
import type { Application } from '../graph/types.ts';
import type { VerifyInput } from '../mail/types.ts';
import type { Secret } from '../core/secret.ts';
import { journalPath, readJournal, recordCredential, writeJournal, type Journal } from '../credentials/journal.ts';
import { buildDeliveredConfig, type RenderRequest } from './delivered-config.ts';
import { confirmCredential, DEFAULT_CONFIRM_DEADLINE_MS } from '../credentials/confirm.ts';
import { describeManagedApp } from './find-app.ts';
import { mintCredential } from '../credentials/mint.ts';
import { credentialsOf, findOrphans, isToolCredential, planRetirement, removeCredentials } from '../credentials/retire.ts';
import type { CredentialKind, DeliveredConfig, LifecycleDeps, ManagedApp, RotateOutcome, Sink } from '../credentials/types.ts';

export interface RotateOptions {
  kind: CredentialKind;
  lifetimeDays: number;
  /** Older tool-minted credentials of the same kind to keep besides the new one (`--keep N`). */
  keep: number;
  /** Bound on the three-in-a-row token check (default 2 min, docs/reliability.md#overlap-rotation). */
  confirmDeadlineMs?: number;
  /** The sinks for this app, built per app (`--all` gives each app its own). */
  sinks: (app: ManagedApp) => Sink[];
  render?: RenderRequest;
}

export interface RotateResult {
  outcome: RotateOutcome;
  /** What the sinks got; the CLI prints `text` only with --show-secret. */
  delivered: DeliveredConfig;
}

/**
 * Zero-gap rotation of one app (docs/reliability.md#ambiguous-writes-and-crashes, docs/reliability.md#rotation):
 *   1. remove credentials a crashed run minted and never delivered (journal, by marker);
 *   2. mint the new credential (journalled minting → minted);
 *   3. deliver it to every sink (journal: delivered);
 *   4. confirm it: three token requests in a row succeed, within the bound;
 *   5. only then remove the older tool-minted credentials beyond `--keep`.
 * If 3 or 4 fails, the sinks are rolled back to the previous value and the new credential is
 * removed, so the old one stays valid throughout; the error is rethrown (non-zero exit).
 */
export async function rotateApplication(deps: LifecycleDeps, application: Application, options: RotateOptions): Promise<RotateResult> {
  const app = describeManagedApp(application);
  const path = journalPath(deps.env, deps.tenantId, app.uniqueName);
  const save = async (j: Journal) => {
    await writeJournal(path, j);
    return j;
  };
  let journal: Journal = {
    ...((await readJournal(path)) ?? { version: 1, tenantId: deps.tenantId, uniqueName: app.uniqueName, credentials: [] }),
    appId: app.appId,
  };

  const orphans = findOrphans(application, journal);
  if (orphans.length > 0) {
    deps.log(`rotate ${app.uniqueName}: removing ${orphans.length} credential(s) minted by an interrupted run and never delivered`);
    journal = await removeCredentials(deps, app.id, orphans, journal, save);
  }
  const previousKeyIds = credentialsOf(application)
    .filter((c) => c.kind === options.kind && isToolCredential(c) && !orphans.some((o) => o.keyId === c.keyId))
    .map((c) => c.keyId);

  deps.log(`rotate ${app.uniqueName}: adding a new ${options.kind}`);
  const minted = await mintCredential(deps, application, options.kind, options.lifetimeDays, journal, save);
  journal = minted.journal;
  const { credential } = minted;
  const delivered = buildDeliveredConfig(
    {
      app,
      tenantId: deps.tenantId,
      endpoints: deps.endpoints,
      graphScope: deps.graphScope,
      ...(options.render ? { render: options.render } : {}),
    },
    credential,
    previousKeyIds,
  );
  const sinks = options.sinks(app);
  const reached: Sink[] = [];
  const undo = async (reason: unknown): Promise<never> => {
    for (const sink of reached.reverse())
      await sink
        .rollback()
        .catch((e: unknown) =>
          deps.log(`rotate ${app.uniqueName}: could not roll back ${sink.describe()}: ${isEntraMailError(e) ? e.message : 'error'}`),
        );
    try {
      journal = await removeCredentials(
        deps,
        app.id,
        [{ kind: credential.kind, keyId: credential.keyId, displayName: credential.marker, endDateTime: credential.endDateTime }],
        journal,
        save,
      );
    } catch {
      // The journal still says "minted"/"delivered": the next run finds the credential by its marker.
      deps.log(`rotate ${app.uniqueName}: could not remove the new credential ${credential.keyId} now; the next run removes it`);
    }
    throw reason;
  };

  try {
    for (const sink of sinks) {
      deps.log(`rotate ${app.uniqueName}: delivering to ${sink.describe()}`);
      reached.push(sink);
      await sink.deliver(delivered);
    }
  } catch (error) {
    return undo(error);
  }
  journal = await save(
    recordCredential(journal, {
      marker: credential.marker,
      keyId: credential.keyId,
      status: 'delivered',
      at: deps.clock.now().toISOString(),
    }),
  );

  const confirm = await confirmCredential(
    {
      tenantId: deps.tenantId,
      clientId: app.appId,
      credential: verifyCredential(credential.kind, credential.value),
      endpoints: deps.endpoints,
      graphScope: deps.graphScope,
    },
    { clock: deps.clock, log: deps.log },
    options.confirmDeadlineMs ?? DEFAULT_CONFIRM_DEADLINE_MS,
  );
  if (!confirm.ok) {
    const seconds = Math.round((options.confirmDeadlineMs ?? DEFAULT_CONFIRM_DEADLINE_MS) / 1000);
    return undo(
      new ServiceError(
        `rotate: the new ${credential.kind} ${credential.keyId} of app ${app.appId} did not give three token requests in a row within ${seconds} s${confirm.aadsts ? ` (last answer AADSTS${confirm.aadsts})` : ''}; it was removed and the previous credential and config were kept.`,
        {
          step: 'verify',
          object: `app ${app.appId}`,
          ...(confirm.aadsts ? { code: `AADSTS${confirm.aadsts}` } : {}),
          suggestion:
            'Nothing changed for the consumers. Run the same rotate again later; if it keeps failing, check tenant sign-in policies for the app (Conditional Access for workload identities).',
        },
      ),
    );
  }
  for (const sink of sinks) await sink.commit();

  const fresh = await getApplication(deps.graph, app.id);
  const doomed = planRetirement(fresh, credential.kind, credential.keyId, options.keep);
  if (doomed.length > 0)
    deps.log(`rotate ${app.uniqueName}: removing ${doomed.length} older credential(s): ${doomed.map((d) => d.keyId).join(', ')}`);
  journal = await removeCredentials(deps, app.id, doomed, journal, save);
  return {
    delivered,
    outcome: {
      appId: app.appId,
      uniqueName: app.uniqueName,
      status: 'rotated',
      credential: {
        kind: credential.kind,
        keyId: credential.keyId,
        marker: credential.marker,
        endDateTime: credential.endDateTime,
        ...(credential.thumbprint ? { thumbprint: credential.thumbprint } : {}),
      },
      removedKeyIds: doomed.map((d) => d.keyId),
      orphansRemoved: orphans.map((o) => o.keyId),
      sinks: sinks.map((s) => s.describe()),
    },
  };
}

/** The confirm step signs in with exactly what the sinks received. */
function verifyCredential(kind: CredentialKind, value: Secret): VerifyInput['credential'] {
  if (kind === 'secret') return { kind: 'secret', secret: value };
  return splitCombinedPem(value);
}
