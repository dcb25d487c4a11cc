import { GraphFailure } from './errors.ts';
import type { GraphGateway } from './gateway.ts';
import { filterQuery, MAX_PAGE_SIZE, odataString } from './odata.ts';
import type { AppRoleAssignment, OAuth2PermissionGrant } from './types.ts';

/** What the client service principal holds (docs/graph-service-principals-and-consent.md#admin-consent-app-role-assignments). */
export async function listAppRoleAssignments(graph: GraphGateway, clientServicePrincipalId: string): Promise<AppRoleAssignment[]> {
  return graph.list<AppRoleAssignment>(`/servicePrincipals/${clientServicePrincipalId}/appRoleAssignments`, {
    step: 'consent',
    object: `app role assignments of service principal ${clientServicePrincipalId}`,
  });
}

/** Duplicate assignment: Graph gives no distinct code, only this text (docs/graph-service-principals-and-consent.md#admin-consent-app-role-assignments, docs/graph-errors-and-consistency.md#error-envelope). */
export function isDuplicateAssignment(error: unknown): boolean {
  return error instanceof GraphFailure && error.status === 400 && /already exists/i.test(error.message);
}

/**
 * Admin consent for an application permission = an app role assignment on the resource's service
 * principal. POST is not idempotent, but a repeat can only answer "already exists", which the
 * caller confirms by reading (docs/reliability.md#app-role-assignment); "Not a valid reference update" is replication.
 */
export async function assignAppRole(
  graph: GraphGateway,
  assignment: { principalId: string; resourceId: string; appRoleId: string; permission: string },
): Promise<AppRoleAssignment | undefined> {
  try {
    const response = await graph.send<AppRoleAssignment>(
      {
        method: 'POST',
        path: `/servicePrincipals/${assignment.resourceId}/appRoleAssignedTo`,
        body: { principalId: assignment.principalId, resourceId: assignment.resourceId, appRoleId: assignment.appRoleId },
      },
      {
        step: 'consent',
        object: `${assignment.permission} for service principal ${assignment.principalId}`,
        idempotent: false,
        classify: (error) => (isDuplicateAssignment(error) ? { kind: 'fail' } : undefined),
      },
    );
    return response.body;
  } catch (error) {
    if (isDuplicateAssignment((error as { cause?: unknown }).cause)) return undefined;
    throw error;
  }
}

export async function deleteAppRoleAssignment(graph: GraphGateway, resourceId: string, assignmentId: string): Promise<void> {
  await graph.send(
    { method: 'DELETE', path: `/servicePrincipals/${resourceId}/appRoleAssignedTo/${assignmentId}` },
    { step: 'consent', object: `assignment ${assignmentId}`, idempotent: true, absentIsAnswer: true },
  );
}

export async function findPermissionGrant(
  graph: GraphGateway,
  clientId: string,
  resourceId: string,
): Promise<OAuth2PermissionGrant | undefined> {
  const grants = await graph.list<OAuth2PermissionGrant>(
    `/oauth2PermissionGrants?${filterQuery(`clientId eq ${odataString(clientId)} and consentType eq 'AllPrincipals'`)}`,
    { step: 'consent', object: `delegated grants of service principal ${clientId}` },
  );
  return grants.find((g) => g.resourceId === resourceId && g.consentType === 'AllPrincipals');
}

/** Delegated admin consent for all users (docs/graph-service-principals-and-consent.md#delegated-consent-oauth2permissiongrants). */
export async function createPermissionGrant(
  graph: GraphGateway,
  grant: { clientId: string; resourceId: string; scope: string },
): Promise<OAuth2PermissionGrant | undefined> {
  const response = await graph.send<OAuth2PermissionGrant>(
    { method: 'POST', path: '/oauth2PermissionGrants', body: { ...grant, consentType: 'AllPrincipals' } },
    { step: 'consent', object: `delegated grant '${grant.scope}' for ${grant.clientId}`, idempotent: false },
  );
  return response.body;
}

export async function updatePermissionGrant(graph: GraphGateway, id: string, scope: string): Promise<void> {
  await graph.send(
    { method: 'PATCH', path: `/oauth2PermissionGrants/${id}`, body: { scope } },
    { step: 'consent', object: `delegated grant ${id}`, idempotent: true },
  );
}

/**
 * Every application permission granted for a resource (e.g. Microsoft Graph's service principal),
 * in pages of 999: one read for all managed apps instead of one per app (docs/graph-list-queries.md#filter-support).
 */
export async function listAppRoleAssignedTo(graph: GraphGateway, resourceServicePrincipalId: string): Promise<AppRoleAssignment[]> {
  return graph.list<AppRoleAssignment>(
    `/servicePrincipals/${resourceServicePrincipalId}/appRoleAssignedTo?$select=id,appRoleId,principalId,resourceId&$top=${MAX_PAGE_SIZE}`,
    { step: 'status', object: `app role assignments granted for service principal ${resourceServicePrincipalId}` },
  );
}

/** Every delegated grant made for all users (admin consent); `clientId` takes `eq` only, so no `in` (docs/graph-list-queries.md#filter-support). */
export async function listAdminPermissionGrants(graph: GraphGateway): Promise<OAuth2PermissionGrant[]> {
  return graph.list<OAuth2PermissionGrant>(`/oauth2PermissionGrants?${filterQuery("consentType eq 'AllPrincipals'")}`, {
    step: 'status',
    object: 'delegated admin grants',
  });
}
