import { GraphFailure } from './errors.ts';
import type { GraphGateway } from './gateway.ts';
import { filterQuery, inList, keySegment, MAX_IN_VALUES, MAX_PAGE_SIZE, odataString } from './odata.ts';
import { SERVICE_PRINCIPAL_SELECT, type ServicePrincipal } from './types.ts';

const step = 'service-principal';

export async function findServicePrincipalByAppId(
  graph: GraphGateway,
  appId: string,
  stepName = step,
): Promise<ServicePrincipal | undefined> {
  return graph.read<ServicePrincipal>(`/servicePrincipals${keySegment('appId', appId)}?$select=${SERVICE_PRINCIPAL_SELECT}`, {
    step: stepName,
    object: `service principal of app ${appId}`,
  });
}

/** GET of a service principal known to exist; 404 is replication lag and retried until the step deadline. */
export async function readServicePrincipalByAppId(graph: GraphGateway, appId: string): Promise<ServicePrincipal> {
  const response = await graph.send<ServicePrincipal>(
    { method: 'GET', path: `/servicePrincipals${keySegment('appId', appId)}?$select=${SERVICE_PRINCIPAL_SELECT}` },
    { step, object: `service principal of app ${appId}`, idempotent: true },
  );
  if (!response.body) throw new Error(`GET service principal of app ${appId} answered without a body`);
  return response.body;
}

/**
 * Idempotent create by appId (docs/graph-service-principals-and-consent.md#service-principal: `PATCH /servicePrincipals(appId='…')` with
 * `Prefer: create-if-missing`). Right after the app was created this answers
 * NoBackingApplicationObject or a misleading 403 for a while: both are replication (docs/reliability.md#sp-create-races-the-app, docs/reliability.md#misleading-403).
 */
export async function upsertServicePrincipal(
  graph: GraphGateway,
  appId: string,
  body: Record<string, unknown>,
): Promise<{ created: boolean; servicePrincipal: ServicePrincipal | undefined }> {
  const response = await graph.send<ServicePrincipal>(
    { method: 'PATCH', path: `/servicePrincipals${keySegment('appId', appId)}`, body, headers: { Prefer: 'create-if-missing' } },
    {
      step,
      object: `service principal of app ${appId}`,
      idempotent: true,
      classify: (error) =>
        error instanceof GraphFailure && error.status === 403 && /backing application/i.test(error.message)
          ? { kind: 'replication' }
          : undefined,
    },
  );
  return { created: response.status === 201, servicePrincipal: response.body };
}

export async function deleteServicePrincipal(graph: GraphGateway, id: string): Promise<void> {
  await graph.send(
    { method: 'DELETE', path: `/servicePrincipals/${id}` },
    { step: 'deprovision', object: `service principal ${id}`, idempotent: true, absentIsAnswer: true },
  );
}

/** What `status` needs of a client service principal: which app it belongs to, and its id for consent. */
export type ServicePrincipalRef = Pick<ServicePrincipal, 'id' | 'appId' | 'tags'>;
const REF_SELECT = 'id,appId,tags';

/** Service principals carrying a tag, in pages of 999 (docs/graph-list-queries.md#filter-support). */
export async function listServicePrincipalsByTag(graph: GraphGateway, tag: string): Promise<ServicePrincipalRef[]> {
  const filter = filterQuery(`tags/any(t:t eq ${odataString(tag)})`);
  return graph.list<ServicePrincipalRef>(`/servicePrincipals?${filter}&$select=${REF_SELECT}&$top=${MAX_PAGE_SIZE}`, {
    step: 'status',
    object: `service principals tagged '${tag}'`,
  });
}

/** Service principals of up to 15 apps in one request: `appId in (…)` (docs/graph-list-queries.md#limits). */
export async function listServicePrincipalsByAppIds(graph: GraphGateway, appIds: readonly string[]): Promise<ServicePrincipalRef[]> {
  if (appIds.length > MAX_IN_VALUES) throw new Error(`at most ${MAX_IN_VALUES} app ids per request, got ${appIds.length}`);
  return graph.list<ServicePrincipalRef>(`/servicePrincipals?${filterQuery(inList('appId', appIds))}&$select=${REF_SELECT}`, {
    step: 'status',
    object: `service principals of ${appIds.length} app(s)`,
  });
}
