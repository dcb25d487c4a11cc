import { ConflictError, PermissionError } from '../core/errors.ts';
import { findApplicationByAppId, findApplicationByUniqueName } from '../graph/applications.ts';
import { findPermissionGrant, listAppRoleAssignments } from '../graph/consent.ts';
import { findDeletedApplication, type DeletedApplication } from '../graph/deleted-items.ts';
import type { GraphGateway } from '../graph/gateway.ts';
import { readTenantById } from '../graph/organization.ts';
import { findServicePrincipalByAppId } from '../graph/service-principals.ts';
import type { OAuth2PermissionGrant, ServicePrincipal } from '../graph/types.ts';
import type { PermissionRequest } from '../core/models.ts';
import { EXCHANGE_APP_ID, GRAPH_APP_ID } from '../core/well-known.ts';
import type { Journal } from '../credentials/journal.ts';
import type { Desired, Observed, ResolvedPermission } from './types.ts';

/**
 * The read phase: everything a plan needs, with independent reads in parallel. On an empty
 * tenant this is one round trip (organization, the app by uniqueName, a deleted app holding the
 * name, both resource service principals); an existing app adds its consents, and its service
 * principal, which a re-run whose journal names the app reads beside the first round. The bench
 * counts them.
 */
export async function observe(
  graph: GraphGateway,
  desired: Desired,
  options: {
    openJournal: (tenantId: string) => Promise<{ journal: Journal | undefined; waited: boolean }>;
    /** The app id the journal records, read without waiting for the lock (a guess: see below). */
    peekAppId?: (tenantId: string) => Promise<string | undefined>;
    /** The admin token's `tid`, and whether the tenant's domains are needed (src/graph/organization.ts). */
    tenant?: { id: string | undefined; domains: boolean };
  },
): Promise<Observed> {
  // Takes the app's lock too (src/credentials/lock.ts): with the tenant id known from the token it
  // starts beside the reads, so a new app's first write does not wait for it.
  const knownTenant = options.tenant?.id;
  const early = knownTenant !== undefined ? options.openJournal(knownTenant) : undefined;
  early?.catch(() => undefined);
  // A converged re-run finds the app's id in its journal (--adopt names it): the app's service
  // principal is read as soon as that id is known, beside the first round, not in a round of its
  // own after it. Only a guess: it is used if the app found has that id, else read again below.
  const hintedAppId = desired.adopt
    ? Promise.resolve(desired.adopt.appId)
    : knownTenant !== undefined && options.peekAppId
      ? options.peekAppId(knownTenant)
      : undefined;
  const hinted = hintedAppId
    ?.then(async (appId) =>
      appId === undefined ? undefined : { appId, servicePrincipal: await findServicePrincipalByAppId(graph, appId) },
    )
    .catch(() => undefined);
  const [organization, application, graphSp, exchangeSp, deleted] = await Promise.all([
    readTenantById(graph, options.tenant?.id, { domains: options.tenant?.domains ?? true }),
    desired.adopt ? findApplicationByAppId(graph, desired.adopt.appId) : findApplicationByUniqueName(graph, desired.uniqueName),
    findServicePrincipalByAppId(graph, GRAPH_APP_ID, 'read'),
    findServicePrincipalByAppId(graph, EXCHANGE_APP_ID, 'read'),
    // A deleted app keeps the unique name for 30 days (docs/graph-applications.md). Asked beside the
    // app itself, so a new app costs no round trip of its own; used only when no live app has the name.
    desired.adopt ? undefined : findDeletedApplicationIfAllowed(graph, desired.uniqueName),
  ]);
  const resources: Record<string, ServicePrincipal> = {};
  if (graphSp) resources[GRAPH_APP_ID] = graphSp;
  if (exchangeSp) resources[EXCHANGE_APP_ID] = exchangeSp;
  const permissions = desired.permissions.map((p) => resolvePermission(p, resources));
  // Otherwise once the organization is read, overlapping the reads below.
  const journalRead = early ?? options.openJournal(organization.id);
  journalRead.catch(() => undefined);
  let servicePrincipal: ServicePrincipal | undefined;
  let assignments: Observed['assignments'] = [];
  let grants: OAuth2PermissionGrant[] = [];
  if (application) {
    const guessed = await hinted;
    servicePrincipal =
      guessed?.appId === application.appId ? guessed.servicePrincipal : await findServicePrincipalByAppId(graph, application.appId);
    if (servicePrincipal) {
      const sp = servicePrincipal;
      const scopeResources = [...new Set(permissions.filter((p) => p.type === 'Scope').map((p) => p.resourceId))];
      const [list, found] = await Promise.all([
        listAppRoleAssignments(graph, sp.id),
        Promise.all(scopeResources.map((r) => findPermissionGrant(graph, sp.id, r))),
      ]);
      assignments = list;
      grants = found.filter((g): g is OAuth2PermissionGrant => g !== undefined);
    }
  }
  const { journal, waited } = await journalRead;
  await hinted;
  // Another run held the app's lock meanwhile and may have changed it: read the tenant again.
  if (waited)
    return observe(graph, desired, {
      ...options,
      openJournal: async () => ({ journal, waited: false }),
      // The journal was just read under the lock: its app id, not another read of the file.
      peekAppId: async () => journal?.appId,
    });
  if (desired.adopt && !application) {
    throw new ConflictError(`No application with app id '${desired.adopt.appId}' in this tenant, so --adopt has nothing to take over.`, {
      step: 'read',
      object: `application ${desired.adopt.appId}`,
      suggestion: "Check the tenant and the client id (the app registration's Application (client) ID).",
    });
  }
  const deletedApplication = application ? undefined : deleted;
  const uniqueNameHolder =
    application?.uniqueName === null && desired.adopt ? await findUniqueNameHolder(graph, desired.uniqueName) : undefined;
  return {
    organization,
    application,
    ...(deletedApplication ? { deletedApplication } : {}),
    ...(uniqueNameHolder ? { uniqueNameHolder } : {}),
    servicePrincipal,
    resources,
    permissions,
    assignments,
    grants,
    journal,
  };
}

/**
 * Listing deleted items needs Application.Read.All, which an identity with only
 * Application.ReadWrite.OwnedBy lacks: then the create's own 400 (ObjectConflict on uniqueName)
 * reports the held name instead (src/graph/errors.ts).
 */
async function findDeletedApplicationIfAllowed(graph: GraphGateway, uniqueName: string): Promise<DeletedApplication | undefined> {
  try {
    return await findDeletedApplication(graph, uniqueName);
  } catch (error) {
    if (error instanceof PermissionError) return undefined;
    throw error;
  }
}

/** `--adopt`: who (live, or in deleted items for 30 days) already holds the unique name the adopted app would get. */
async function findUniqueNameHolder(graph: GraphGateway, uniqueName: string): Promise<Observed['uniqueNameHolder']> {
  const live = await findApplicationByUniqueName(graph, uniqueName);
  if (live) return { appId: live.appId, displayName: live.displayName, deleted: false };
  const deleted = await findDeletedApplicationIfAllowed(graph, uniqueName);
  return deleted ? { appId: deleted.appId, displayName: deleted.displayName, deleted: true } : undefined;
}

/**
 * Role and scope ids are looked up by value on the tenant's resource service principal, never
 * taken from a hard-coded table alone (docs/permissions.md).
 */
export function resolvePermission(request: PermissionRequest, resources: Record<string, ServicePrincipal>): ResolvedPermission {
  const resource = resources[request.resourceAppId];
  const resourceName =
    request.resourceAppId === EXCHANGE_APP_ID
      ? 'Office 365 Exchange Online'
      : request.resourceAppId === GRAPH_APP_ID
        ? 'Microsoft Graph'
        : request.resourceAppId;
  if (!resource) {
    throw new ConflictError(
      `The tenant has no service principal for ${resourceName} (appId ${request.resourceAppId}), so ${request.value} cannot be granted.`,
      {
        step: 'read',
        object: `resource ${request.resourceAppId}`,
        suggestion:
          request.resourceAppId === EXCHANGE_APP_ID
            ? 'The tenant has no Exchange Online subscription; license Exchange Online or use a different tenant.'
            : 'Check the tenant id.',
      },
    );
  }
  const match =
    request.type === 'Role'
      ? resource.appRoles.find((r) => r.value === request.value && r.isEnabled !== false)
      : resource.oauth2PermissionScopes.find((s) => s.value === request.value && s.isEnabled !== false);
  if (!match) {
    throw new ConflictError(
      `${resourceName} in this tenant offers no ${request.type === 'Role' ? 'application' : 'delegated'} permission '${request.value}'.`,
      {
        step: 'read',
        object: `service principal ${resource.id}`,
      },
    );
  }
  return { ...request, id: match.id, resourceId: resource.id };
}
