import {
  assignAppRole,
  createPermissionGrant,
  deleteAppRoleAssignment,
  listAppRoleAssignments,
  updatePermissionGrant,
} from '../graph/consent.ts';
import type { GraphGateway } from '../graph/gateway.ts';
import type { ServicePrincipal } from '../graph/types.ts';
import type { Change, Observed, ResolvedPermission } from './types.ts';

/**
 * Step "consent": admin consent. Application permissions are app role assignments on the
 * resource's service principal; delegated ones one AllPrincipals grant per resource
 * (docs/graph-service-principals-and-consent.md#admin-consent-app-role-assignments, docs/graph-service-principals-and-consent.md#delegated-consent-oauth2permissiongrants). Assignments the model does not want on a resource it manages are removed: an
 * Entra SMTP.SendAsApp or Mail.Send grant widens or breaks the RBAC models (docs/sending-models.md).
 */
export interface ConsentPlan {
  changes: Change[];
  assign: ResolvedPermission[];
  remove: { resourceId: string; assignmentId: string; label: string }[];
  grants: { resourceId: string; scope: string; existingId?: string }[];
}

export function planConsent(observed: Observed, managedResourceIds: string[]): ConsentPlan {
  const roles = observed.permissions.filter((p) => p.type === 'Role');
  const assign = roles.filter((p) => !observed.assignments.some((a) => a.resourceId === p.resourceId && a.appRoleId === p.id));
  const remove = observed.assignments
    .filter((a) => managedResourceIds.includes(a.resourceId) && !roles.some((p) => p.resourceId === a.resourceId && p.id === a.appRoleId))
    .map((a) => ({ resourceId: a.resourceId, assignmentId: a.id, label: roleLabel(observed, a.resourceId, a.appRoleId) }));
  const grants: ConsentPlan['grants'] = [];
  const scopesByResource = new Map<string, string[]>();
  for (const p of observed.permissions.filter((x) => x.type === 'Scope'))
    scopesByResource.set(p.resourceId, [...(scopesByResource.get(p.resourceId) ?? []), p.value]);
  for (const [resourceId, values] of scopesByResource) {
    const existing = observed.grants.find((g) => g.resourceId === resourceId && g.consentType === 'AllPrincipals');
    const have = new Set((existing?.scope ?? '').split(' ').filter(Boolean));
    if (!existing || values.some((v) => !have.has(v)))
      grants.push({ resourceId, scope: [...new Set([...have, ...values])].join(' '), existingId: existing?.id });
  }
  const changes: Change[] = [
    ...assign.map(
      (p): Change => ({
        step: 'consent',
        action: 'create',
        summary: `grant admin consent for ${p.value} (${resourceName(observed, p.resourceId)})`,
      }),
    ),
    ...remove.map(
      (r): Change => ({ step: 'consent', action: 'remove', summary: `remove Entra grant ${r.label}: this model must not hold it` }),
    ),
    ...grants.map(
      (g): Change => ({
        step: 'consent',
        action: g.existingId ? 'update' : 'create',
        summary: `grant delegated consent '${g.scope}' (${resourceName(observed, g.resourceId)})`,
      }),
    ),
  ];
  if (changes.length === 0)
    changes.push({
      step: 'consent',
      action: 'none',
      summary: observed.permissions.length
        ? 'admin consent is in place'
        : 'no Entra permission to consent (this model is granted in Exchange)',
    });
  return { changes, assign, remove, grants };
}

function resourceName(observed: Observed, resourceId: string): string {
  return Object.values(observed.resources).find((r) => r.id === resourceId)?.displayName ?? resourceId;
}

function roleLabel(observed: Observed, resourceId: string, appRoleId: string): string {
  const resource = Object.values(observed.resources).find((r) => r.id === resourceId);
  return `${resource?.appRoles.find((r) => r.id === appRoleId)?.value ?? appRoleId} (${resource?.displayName ?? resourceId})`;
}

/** Apply: assignments in parallel (they do not depend on each other); a duplicate is confirmed by a read. */
export async function applyConsent(graph: GraphGateway, sp: ServicePrincipal, plan: ConsentPlan): Promise<void> {
  const results = await Promise.all(
    plan.assign.map((p) => assignAppRole(graph, { principalId: sp.id, resourceId: p.resourceId, appRoleId: p.id, permission: p.value })),
  );
  if (results.some((r) => r === undefined)) {
    // "already exists": make sure it really does (docs/reliability.md#app-role-assignment) instead of trusting the message.
    const now = await listAppRoleAssignments(graph, sp.id);
    for (const p of plan.assign) {
      if (!now.some((a) => a.resourceId === p.resourceId && a.appRoleId === p.id)) {
        await assignAppRole(graph, { principalId: sp.id, resourceId: p.resourceId, appRoleId: p.id, permission: p.value });
      }
    }
  }
  await Promise.all(plan.remove.map((r) => deleteAppRoleAssignment(graph, r.resourceId, r.assignmentId)));
  for (const g of plan.grants) {
    if (g.existingId) await updatePermissionGrant(graph, g.existingId, g.scope);
    else await createPermissionGrant(graph, { clientId: sp.id, resourceId: g.resourceId, scope: g.scope });
  }
}

export function managedResourceIds(resources: Record<string, ServicePrincipal>): string[] {
  return Object.values(resources).map((r) => r.id);
}
