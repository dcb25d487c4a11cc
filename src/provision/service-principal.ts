import { MANAGED_TAG } from '../core/tags.ts';
import type { GraphGateway } from '../graph/gateway.ts';
import { readServicePrincipalByAppId, upsertServicePrincipal } from '../graph/service-principals.ts';
import type { Application, ServicePrincipal } from '../graph/types.ts';
import type { Change, Observed } from './types.ts';

/**
 * Step "service-principal": the enterprise application. Its `id` is the ObjectId Exchange's
 * New-ServicePrincipal needs (docs/exchange-powershell.md#new-serviceprincipal-and-which-objectid), never the app registration's id.
 * read: findServicePrincipalByAppId · plan: planServicePrincipal · apply: applyServicePrincipal.
 */
export function planServicePrincipal(observed: Observed): Change {
  if (observed.servicePrincipal)
    return { step: 'service-principal', action: 'none', summary: `service principal ${observed.servicePrincipal.id} exists` };
  return { step: 'service-principal', action: 'create', summary: 'create the service principal (enterprise application)' };
}

/**
 * `WindowsAzureActiveDirectoryIntegratedApp` lists it under Enterprise applications; `HideApp`
 * keeps it off users' My Apps (docs/graph-service-principals-and-consent.md#service-principal, after Microsoft's CSS-Exchange scripts).
 * The managed tag lets `status` list every managed service principal in one paged read
 * (docs/graph-list-queries.md#filter-support); older, untagged ones are still found by appId.
 */
const SERVICE_PRINCIPAL_TAGS = ['WindowsAzureActiveDirectoryIntegratedApp', 'HideApp', MANAGED_TAG];

export async function applyServicePrincipal(graph: GraphGateway, app: Application, observed: Observed): Promise<ServicePrincipal> {
  if (observed.servicePrincipal) return observed.servicePrincipal;
  const { servicePrincipal } = await upsertServicePrincipal(graph, app.appId, { accountEnabled: true, tags: SERVICE_PRINCIPAL_TAGS });
  if (servicePrincipal) return servicePrincipal;
  // 204: an earlier, interrupted run created it; read it back (404 there is replication lag).
  return readServicePrincipalByAppId(graph, app.appId);
}
