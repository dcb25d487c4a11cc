import { ConflictError } from '../core/errors.ts';
import { readApplicationByUniqueName, setApplicationUniqueName, upsertApplication } from '../graph/applications.ts';
import type { GraphGateway } from '../graph/gateway.ts';
import type { Application, RequiredResourceAccess } from '../graph/types.ts';
import { exchangeGrantTags, MANAGED_TAG, mergeExchangeGrants, modelTag, profileTag, recordedExchangeGrants } from '../core/tags.ts';
import type { DeletedApplication } from '../graph/deleted-items.ts';
import { planRestore, restoreApplication } from './deleted-application.ts';
import type { Change, Desired, Observed, ResolvedPermission } from './types.ts';

/**
 * Step "application": the app registration, found by its uniqueName.
 * read: findApplicationByUniqueName (src/provision/observe.ts) · plan: planApplication (pure) ·
 * apply: applyApplication (one upsert; safe to repeat).
 */
export interface ApplicationPlan {
  change: Change;
  /** `--restore-deleted`: the deleted app to bring back before the upsert. */
  restore?: DeletedApplication;
  /** The full desired body; collections are replaced wholesale by PATCH (docs/graph-applications.md#update). */
  body: Record<string, unknown>;
  /** `--adopt` of an app without a unique name: set it (by object id) before the upsert by name. */
  setUniqueName?: { applicationId: string; uniqueName: string };
}

export function requiredResourceAccessFor(permissions: ResolvedPermission[]): RequiredResourceAccess[] {
  const byResource = new Map<string, RequiredResourceAccess>();
  for (const p of permissions) {
    const entry = byResource.get(p.resourceAppId) ?? { resourceAppId: p.resourceAppId, resourceAccess: [] };
    entry.resourceAccess.push({ id: p.id, type: p.type });
    byResource.set(p.resourceAppId, entry);
  }
  return [...byResource.values()];
}

/**
 * `recorded`: the app's tags as read. Exchange grants recorded by earlier runs are kept (a run never
 * takes FullAccess or SendAs away, so removal must still know them), and this run's are added.
 */
export function desiredApplicationBody(
  desired: Desired,
  permissions: ResolvedPermission[],
  recorded: readonly string[] = [],
): Record<string, unknown> {
  const grants = mergeExchangeGrants(recordedExchangeGrants(recorded), desired.exchangeGrants ?? { mailboxes: [], sendAs: [] });
  return {
    displayName: desired.displayName,
    signInAudience: desired.signInAudience,
    tags: [MANAGED_TAG, modelTag(desired.model), profileTag(desired.profile), ...exchangeGrantTags(grants)],
    notes: `Managed by entra-mail (model ${desired.model}, profile ${desired.profile}). Changes made by hand are reverted on the next run.`,
    web: { redirectUris: desired.redirectUris.web },
    publicClient: { redirectUris: desired.redirectUris.publicClient },
    requiredResourceAccess: requiredResourceAccessFor(permissions),
  };
}

export function isManagedApplication(app: Application): boolean {
  return app.tags.includes(MANAGED_TAG);
}

/** Pure: what must change so the app matches `desired`. Throws ConflictError for a foreign app. */
export function planApplication(desired: Desired, observed: Observed): ApplicationPlan {
  const body = desiredApplicationBody(desired, observed.permissions, (observed.application ?? observed.deletedApplication)?.tags);
  const app = observed.application;
  const deleted = observed.deletedApplication;
  if (!app && deleted) return { change: planRestore(desired, deleted), body, restore: deleted };
  if (!app)
    return {
      change: {
        step: 'application',
        action: 'create',
        summary: `create app registration '${desired.displayName}' (uniqueName ${desired.uniqueName})`,
      },
      body,
    };
  if (!isManagedApplication(app) && desired.adopt?.appId === app.appId) return planAdoption(desired, observed, app, body);
  if (!isManagedApplication(app)) {
    throw new ConflictError(
      `The uniqueName '${desired.uniqueName}' belongs to app ${app.appId} ('${app.displayName}'), which entra-mail did not create.`,
      {
        step: 'application',
        object: `application ${app.id}`,
        suggestion: 'Choose another --unique-name, or remove that app first if it is really yours to replace.',
      },
    );
  }
  const drift = describeDrift(app, body);
  if (drift.length === 0)
    return { change: { step: 'application', action: 'none', summary: `app registration ${app.appId} is up to date` }, body };
  return { change: { step: 'application', action: 'update', summary: `update app registration ${app.appId}: ${drift.join(', ')}` }, body };
}

/**
 * `--adopt`: take over an app made by hand (docs/adopt.md). It keeps its object, client id and
 * credentials; it gets the unique name when it has none (refused when another app holds that
 * name), the tool's tags and notes, and the profile's permissions and redirect URIs.
 */
function planAdoption(desired: Desired, observed: Observed, app: Application, body: Record<string, unknown>): ApplicationPlan {
  const holder = observed.uniqueNameHolder;
  if (app.uniqueName === null && holder) {
    const which = holder.deleted ? 'the deleted app' : 'app';
    throw new ConflictError(
      `The unique name '${desired.uniqueName}' is held by ${which} ${holder.appId} ('${holder.displayName}'), so app ${app.appId} cannot take it.`,
      { step: 'application', object: `application ${app.id}`, suggestion: 'Give the adopted app another one with --unique-name.' },
    );
  }
  const drift = describeDrift(app, body).filter((d) => d !== 'tags');
  const parts = [...(app.uniqueName === null ? [`set uniqueName ${desired.uniqueName}`] : []), 'tag it as managed by entra-mail', ...drift];
  return {
    change: {
      step: 'application',
      action: 'update',
      summary: `adopt app registration ${app.appId} ('${app.displayName}'): ${parts.join(', ')}`,
    },
    body,
    ...(app.uniqueName === null ? { setUniqueName: { applicationId: app.id, uniqueName: desired.uniqueName } } : {}),
  };
}

function sameSet(a: string[], b: string[]): boolean {
  const sa = new Set(a);
  return sa.size === new Set(b).size && b.every((x) => sa.has(x));
}

function accessKeys(rra: RequiredResourceAccess[]): string[] {
  return rra.flatMap((r) => r.resourceAccess.map((a) => `${r.resourceAppId}/${a.type}/${a.id}`));
}

function describeDrift(app: Application, body: Record<string, unknown>): string[] {
  const drift: string[] = [];
  if (app.displayName !== body.displayName) drift.push('displayName');
  if (app.signInAudience !== body.signInAudience) drift.push('signInAudience');
  if (!sameSet(app.tags, body.tags as string[])) drift.push('tags');
  if (!sameSet(app.web?.redirectUris ?? [], (body.web as { redirectUris: string[] }).redirectUris)) drift.push('web redirect URIs');
  if (!sameSet(app.publicClient?.redirectUris ?? [], (body.publicClient as { redirectUris: string[] }).redirectUris))
    drift.push('public-client redirect URIs');
  if (!sameSet(accessKeys(app.requiredResourceAccess ?? []), accessKeys(body.requiredResourceAccess as RequiredResourceAccess[])))
    drift.push('requested permissions');
  return drift;
}

/** Apply: one upsert. A 204 carries no body, so the app we read stands for it. */
export async function applyApplication(
  graph: GraphGateway,
  desired: Desired,
  observed: Observed,
  plan: ApplicationPlan,
): Promise<Application> {
  if (plan.restore) await restoreApplication(graph, plan.restore);
  if (plan.setUniqueName) await setApplicationUniqueName(graph, plan.setUniqueName.applicationId, plan.setUniqueName.uniqueName);
  const { application } = await upsertApplication(graph, desired.uniqueName, plan.body);
  if (application) return application;
  if (observed.application) return { ...observed.application, ...(plan.body as Partial<Application>) };
  // 204 for an app the read did not see: a run that was cut off created it. Read it back; a 404
  // here is replication, so it is retried (readApplicationByUniqueName does not treat 404 as absent).
  return readApplicationByUniqueName(graph, desired.uniqueName);
}
