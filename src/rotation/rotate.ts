import { splitCombinedPem } from '../credentials/certificate.ts';
import { ServiceError } from '../core/errors.ts';
import { getApplication } from '../graph/applications.ts';
import type { ListedApplication } from '../graph/types.ts';
import type { VerifyInput } from '../mail/types.ts';
import type { Secret } from '../core/secret.ts';
import { openAppState, type AppState } from '../credentials/app-state.ts';
import { probeSinks, type SinkProbe } from '../credentials/delivery-record.ts';
import { commitSinks, deliverToSinks, undoDelivery } from '../credentials/deliver.ts';
import { pastGrace, supersede } from '../credentials/grace.ts';
import { buildDeliveredConfig, type RenderRequest } from './delivered-config.ts';
import { confirmCredential, DEFAULT_CONFIRM_DEADLINE_MS } from '../credentials/confirm.ts';
import { describeManagedApp } from './find-app.ts';
import { mintCredential } from '../credentials/mint.ts';
import { credentialsOf, findOrphans, isToolCredential, removeCredentials, type AppCredential } from '../credentials/retire.ts';
import type { CredentialKind, DeliveredConfig, LifecycleDeps, ManagedApp, RotateOutcome, Sink } from '../credentials/types.ts';

export interface RotateOptions {
  kind: CredentialKind;
  lifetimeDays: number;
  /** Older tool-minted credentials of the same kind to keep besides the new one (`--keep N`). */
  keep: number;
  /** How long superseded credentials stay valid (`--grace`, default 7 days; 0 removes them at once). */
  graceMs: number;
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
 * Zero-gap rotation of one app, under the app's lock (docs/credential-lifecycle.md):
 *   1. settle what a crashed run left: credentials no sink holds are removed, held ones kept;
 *   2. mint the new credential (journalled minting → minted);
 *   3. deliver it to every sink (journalled per sink: pending → written);
 *   4. confirm it: three token requests in a row succeed, within the bound;
 *   5. only then supersede the older ones: removed at once with `--grace 0`, otherwise kept until
 *      the grace period ends; those whose grace period ended are removed now.
 * If 3 or 4 fails, the sinks are put back and the new credential removed (src/credentials/deliver.ts),
 * so the old one stays valid throughout; the error is rethrown (non-zero exit).
 */
export async function rotateApplication(
  deps: LifecycleDeps,
  application: ListedApplication,
  options: RotateOptions,
): Promise<RotateResult> {
  const app = describeManagedApp(application);
  const sinks = options.sinks(app);
  const probe = probeSinks(probeWith(sinks));
  const state = await openAppState(lockDeps(deps), app, 'rotate', probe);
  try {
    return await rotateLocked(deps, app, sinks, state, options);
  } finally {
    await state.release();
  }
}

async function rotateLocked(
  deps: LifecycleDeps,
  app: ManagedApp,
  sinks: Sink[],
  state: AppState,
  options: RotateOptions,
): Promise<RotateResult> {
  const label = `rotate ${app.uniqueName}`;
  for (const sink of sinks) await sink.prepare?.();
  // Read again under the lock: a run that held it may have changed the credentials meanwhile.
  const application = await getApplication(deps.graph, app.id);
  const handle = { journal: state.journal, save: state.save };
  const orphans = findOrphans(application, handle.journal);
  if (orphans.length > 0) {
    deps.log(`${label}: removing ${orphans.length} credential(s) minted by an interrupted run and held by no sink`);
    handle.journal = await removeCredentials(deps, app.id, orphans, handle.journal, handle.save);
  }
  const previousKeyIds = credentialsOf(application)
    .filter((c) => c.kind === options.kind && isToolCredential(c) && !orphans.some((o) => o.keyId === c.keyId))
    .map((c) => c.keyId);

  deps.log(`${label}: adding a new ${options.kind}`);
  const minted = await mintCredential(deps, application, options.kind, options.lifetimeDays, handle.journal, handle.save);
  handle.journal = minted.journal;
  const { credential } = minted;
  const context = {
    app,
    tenantId: deps.tenantId,
    endpoints: deps.endpoints,
    graphScope: deps.graphScope,
    ...(options.render ? { render: options.render } : {}),
  };
  const delivered = buildDeliveredConfig(context, credential, previousKeyIds);

  const { reached, error } = await deliverToSinks(deps, handle, sinks, delivered, label);
  if (error !== undefined) {
    deps.log(`${label}: ${await undoDelivery(deps, handle, app.id, reached, delivered, label)}`);
    throw error;
  }
  const deadlineMs = options.confirmDeadlineMs ?? DEFAULT_CONFIRM_DEADLINE_MS;
  const confirm = await confirmCredential(
    {
      tenantId: deps.tenantId,
      clientId: app.appId,
      credential: verifyCredential(credential.kind, credential.value),
      endpoints: deps.endpoints,
      graphScope: deps.graphScope,
    },
    { clock: deps.clock, log: deps.log },
    deadlineMs,
  );
  if (!confirm.ok) {
    const what = await undoDelivery(deps, handle, app.id, reached, delivered, label);
    throw new ServiceError(
      `rotate: the new ${credential.kind} ${credential.keyId} of app ${app.appId} did not pass three token requests in a row (bound ${Math.round(deadlineMs / 1000)} s${confirm.aadsts ? `, last answer AADSTS${confirm.aadsts}` : ''}); ${what}.`,
      {
        step: 'verify',
        object: `app ${app.appId}`,
        ...(confirm.aadsts ? { code: `AADSTS${confirm.aadsts}` } : {}),
        suggestion:
          'Run the same rotate again later; if it keeps failing, check tenant sign-in policies for the app (Conditional Access for workload identities).',
      },
    );
  }
  await commitSinks(deps, handle, sinks, delivered);

  const retired = await retireSuperseded(deps, app, handle, { ...options, newKeyId: credential.keyId, replaced: sinks.map((s) => s.id) });
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
      removedKeyIds: retired.removed.map((d) => d.keyId),
      retiringKeyIds: retired.retiring.map((d) => d.keyId),
      orphansRemoved: orphans.map((o) => o.keyId),
      sinks: sinks.map((s) => s.describe()),
    },
  };
}

/**
 * Step 5: supersede the older credentials (removed now with no grace, else dated in the journal),
 * and remove every credential whose grace period has ended.
 */
async function retireSuperseded(
  deps: LifecycleDeps,
  app: ManagedApp,
  handle: { journal: AppState['journal']; save: AppState['save'] },
  options: { kind: CredentialKind; keep: number; graceMs: number; newKeyId: string; replaced: string[] },
): Promise<{ removed: AppCredential[]; retiring: AppCredential[] }> {
  const fresh = await getApplication(deps.graph, app.id);
  const nowMs = deps.clock.nowMs();
  const superseded = await supersede(fresh, handle.journal, { ...options, nowMs });
  handle.journal = await handle.save(superseded.journal);
  const due = pastGrace(fresh, handle.journal, nowMs).filter(
    (c) => c.keyId !== options.newKeyId && !superseded.removeNow.some((r) => r.keyId === c.keyId),
  );
  const doomed = [...superseded.removeNow, ...due];
  if (doomed.length > 0)
    deps.log(`rotate ${app.uniqueName}: removing ${doomed.length} older credential(s): ${doomed.map((d) => d.keyId).join(', ')}`);
  if (superseded.retiring.length > 0) {
    deps.log(
      `rotate ${app.uniqueName}: keeping ${superseded.retiring.length} older credential(s) until their grace period ends: ${superseded.retiring.map((d) => d.keyId).join(', ')}`,
    );
  }
  handle.journal = await removeCredentials(deps, app.id, doomed, handle.journal, handle.save);
  return { removed: doomed, retiring: superseded.retiring };
}

/**
 * `rotate --all` for an app that is not due: only the credentials whose grace period has ended
 * are removed, under the app's lock.
 */
export async function retirePastGrace(deps: LifecycleDeps, application: ListedApplication): Promise<AppCredential[]> {
  const app = describeManagedApp(application);
  const state = await openAppState(lockDeps(deps), app, 'rotate --all');
  try {
    const fresh = await getApplication(deps.graph, app.id);
    const due = pastGrace(fresh, state.journal, deps.clock.nowMs());
    if (due.length === 0) return [];
    deps.log(
      `rotate ${app.uniqueName}: removing ${due.length} credential(s) whose grace period ended: ${due.map((d) => d.keyId).join(', ')}`,
    );
    await removeCredentials(deps, app.id, due, state.journal, state.save);
    return due;
  } finally {
    await state.release();
  }
}

function lockDeps(deps: LifecycleDeps) {
  return {
    env: deps.env,
    tenantId: deps.tenantId,
    now: () => deps.clock.now(),
    ...(deps.lockWaitMs !== undefined ? { lockWaitMs: deps.lockWaitMs } : {}),
  };
}

/** A record of one of this run's own sinks is asked through that sink (a vault it has a client for). */
function probeWith(sinks: Sink[]): SinkProbe {
  return async (record, keyId) => {
    const sink = sinks.find((s) => s.id === record.id);
    return sink ? sink.holds(record, keyId) : undefined;
  };
}

/** The confirm step signs in with exactly what the sinks received. */
function verifyCredential(kind: CredentialKind, value: Secret): VerifyInput['credential'] {
  if (kind === 'secret') return { kind: 'secret', secret: value };
  return splitCombinedPem(value);
}
