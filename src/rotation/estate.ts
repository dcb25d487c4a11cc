import { listAdminPermissionGrants, listAppRoleAssignedTo } from '../graph/consent.ts';
import type { GraphGateway } from '../graph/gateway.ts';
import { MAX_IN_VALUES } from '../graph/odata.ts';
import {
  findServicePrincipalByAppId,
  listServicePrincipalsByAppIds,
  listServicePrincipalsByTag,
  type ServicePrincipalRef,
} from '../graph/service-principals.ts';
import type { AppRoleAssignment, ListedApplication, OAuth2PermissionGrant, ServicePrincipal } from '../graph/types.ts';
import { MODELS, type ModelName } from '../core/models.ts';
import { MANAGED_TAG } from '../core/tags.ts';
import { EXCHANGE_APP_ID, GRAPH_APP_ID } from '../core/well-known.ts';
import { mapWithConcurrency } from '../credentials/pool.ts';
import { describeManagedApp, listManagedApplications } from './find-app.ts';

/** Lookups of untagged service principals in flight at once (15 apps each). */
const LOOKUP_CONCURRENCY = 4;

/**
 * Everything `status` and `rotate --all` read about the managed apps, read in pages rather than
 * per app (docs/graph-list-queries.md#what-status-reads).
 */
export interface Estate {
  apps: ListedApplication[];
  /** Client service principals by appId. */
  servicePrincipals: Map<string, ServicePrincipalRef>;
  /** Microsoft Graph's and Exchange Online's service principals by appId, where the tenant has them. */
  resources: Record<string, ServicePrincipal>;
  /** Application permissions granted, by client service principal id. */
  assignments: Map<string, AppRoleAssignment[]>;
  /** Admin (AllPrincipals) delegated grants, by client service principal id. */
  grants: Map<string, OAuth2PermissionGrant[]>;
}

/**
 * Round 1, together: the managed apps, the tagged service principals and the two resource service
 * principals. Round 2, together: the service principals the tag did not find (older ones, by
 * `appId in (…)`), the assignments granted for each resource a model needs, and the admin grants
 * when a delegated model is in use. The reads of round 2 that a page of apps calls for start as
 * soon as that page (and the resource service principals) arrive, beside the next page of apps: over
 * 999 apps the assignments no longer wait for the last page.
 */
export async function readEstate(graph: GraphGateway): Promise<Estate> {
  const resourcesRead = Promise.all([
    findServicePrincipalByAppId(graph, GRAPH_APP_ID, 'read'),
    findServicePrincipalByAppId(graph, EXCHANGE_APP_ID, 'read'),
  ]).then(([graphSp, exchangeSp]) => {
    const resources: Record<string, ServicePrincipal> = {};
    if (graphSp) resources[GRAPH_APP_ID] = graphSp;
    if (exchangeSp) resources[EXCHANGE_APP_ID] = exchangeSp;
    return resources;
  });
  const consentReads = startedOnDemand(graph, resourcesRead);
  const [apps, tagged, resources] = await Promise.all([
    listManagedApplications(graph, consentReads.startFor),
    listServicePrincipalsByTag(graph, MANAGED_TAG),
    resourcesRead,
  ]);
  const servicePrincipals = new Map(tagged.map((sp) => [sp.appId, sp]));
  const untagged = apps.filter((app) => !servicePrincipals.has(app.appId) && needsConsent(app)).map((app) => app.appId);

  const [found, assignmentLists, grantList] = await Promise.all([
    mapWithConcurrency(chunk(untagged, MAX_IN_VALUES), LOOKUP_CONCURRENCY, (ids) => listServicePrincipalsByAppIds(graph, ids)),
    Promise.all(consentReads.assignments.values()),
    consentReads.grants ?? Promise.resolve([]),
  ]);
  for (const sp of found.flat()) servicePrincipals.set(sp.appId, sp);
  return {
    apps,
    servicePrincipals,
    resources,
    assignments: groupBy(assignmentLists.flat(), (a) => a.principalId),
    grants: groupBy(grantList, (g) => g.clientId),
  };
}

/**
 * The consent reads the managed apps' models call for, each started once: the assignments granted
 * for each resource an application permission belongs to, and the admin grants when a model has a
 * delegated one. A read that fails before it is awaited is not an unhandled rejection; readEstate
 * awaits every one it started.
 */
function startedOnDemand(graph: GraphGateway, resourcesRead: Promise<Record<string, ServicePrincipal>>) {
  const assignments = new Map<string, Promise<AppRoleAssignment[]>>();
  let grants: Promise<OAuth2PermissionGrant[]> | undefined;
  const keep = <T>(read: Promise<T>): Promise<T> => {
    read.catch(() => undefined);
    return read;
  };
  return {
    assignments,
    get grants() {
      return grants;
    },
    startFor(page: ListedApplication[]): void {
      const models = [...new Set(page.map((app) => describeManagedApp(app).model).filter((m): m is ModelName => m !== undefined))];
      for (const permission of models.flatMap((m) => MODELS[m].permissions)) {
        if (permission.type === 'Scope') grants ??= keep(listAdminPermissionGrants(graph));
        else if (!assignments.has(permission.resourceAppId)) {
          const resourceAppId = permission.resourceAppId;
          const read = resourcesRead.then((resources) =>
            resources[resourceAppId] ? listAppRoleAssignedTo(graph, resources[resourceAppId].id) : [],
          );
          assignments.set(resourceAppId, keep(read));
        }
      }
    },
  };
}

function needsConsent(app: ListedApplication): boolean {
  const model = describeManagedApp(app).model;
  return model !== undefined && MODELS[model].permissions.length > 0;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
