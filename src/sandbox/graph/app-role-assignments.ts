import { randomBytes } from 'node:crypto';
import type { Route, SandboxContext, SandboxRequest } from '../context.ts';
import type { SandboxAppRoleAssignment, SandboxServicePrincipal } from '../state.ts';
import type { GraphAuthorizer } from './auth.ts';
import { badRequest, invalidReference, resourceNotFound } from './errors.ts';
import { requireServicePrincipal, visibleServicePrincipal } from './lookup.ts';
import { APP_ROLE_ASSIGNMENT_FILTERS } from './filter-support.ts';
import { queryItems } from './list-query.ts';
import { collection, entity, graphDate, parseSelect } from './odata.ts';
import { GRAPH_TYPE_PROPERTIES } from './schema-properties.ts';
import { asObject, rejectUnknownProperties } from './validate.ts';

export type Side = 'appRoleAssignments' | 'appRoleAssignedTo';
const list = (side: Side) => new RegExp(`^/v1\\.0/servicePrincipals/([^/()]+)/${side}$`);
const one = (side: Side) => new RegExp(`^/v1\\.0/servicePrincipals/([^/()]+)/${side}/([^/]+)$`);

/** The path's SP is the principal (appRoleAssignments) or the resource (appRoleAssignedTo). */
const belongs = (side: Side, a: SandboxAppRoleAssignment, spId: string) =>
  (side === 'appRoleAssignments' ? a.principalId : a.resourceId) === spId;

/**
 * Admin consent for application permissions (docs/graph-service-principals-and-consent.md#admin-consent-app-role-assignments): both directions, list, create,
 * get, delete. Assignment ids are opaque base64url strings like Entra's.
 */
export function appRoleAssignmentRoutes(ctx: SandboxContext, authorize: GraphAuthorizer): Route[] {
  return (['appRoleAssignments', 'appRoleAssignedTo'] as const).flatMap((side): Route[] => [
    {
      kind: 'graph',
      method: 'GET',
      path: list(side),
      handle: async (req, match) => {
        await authorize(req, 'read-assignments');
        const sp = requireServicePrincipal(ctx, { key: 'id', value: match[1] ?? '' });
        const select = parseSelect(req, GRAPH_TYPE_PROPERTIES.appRoleAssignment, 'appRoleAssignment');
        const items = queryItems(req, visibleAssignments(ctx, side, sp.id).map(serializeAssignment), {
          filterable: APP_ROLE_ASSIGNMENT_FILTERS,
          resource: 'AppRoleAssignment',
        });
        return collection(ctx, req, `servicePrincipals('${sp.id}')/${side}`, items, select);
      },
    },
    {
      kind: 'graph',
      method: 'POST',
      path: list(side),
      handle: async (req, match) => {
        await authorize(req, 'grant-assignments');
        const sp = requireServicePrincipal(ctx, { key: 'id', value: match[1] ?? '' });
        const assignment = createAssignment(ctx, req, side, sp);
        return entity(ctx, `servicePrincipals('${sp.id}')/${side}`, serializeAssignment(assignment), undefined, 201);
      },
    },
    {
      kind: 'graph',
      method: 'GET',
      path: one(side),
      handle: async (req, match) => {
        await authorize(req, 'read-assignments');
        const sp = requireServicePrincipal(ctx, { key: 'id', value: match[1] ?? '' });
        const found = visibleAssignments(ctx, side, sp.id).find((a) => a.id === match[2]);
        if (!found) throw resourceNotFound(match[2] ?? '');
        return entity(ctx, `servicePrincipals('${sp.id}')/${side}`, serializeAssignment(found), undefined);
      },
    },
    {
      kind: 'graph',
      method: 'DELETE',
      path: one(side),
      handle: async (req, match) => {
        await authorize(req, 'delete-assignments');
        const sp = requireServicePrincipal(ctx, { key: 'id', value: match[1] ?? '' });
        const found = ctx.state.appRoleAssignments.find((a) => a.id === match[2] && belongs(side, a, sp.id));
        if (!found) throw resourceNotFound(match[2] ?? '');
        ctx.state.appRoleAssignments = ctx.state.appRoleAssignments.filter((a) => a !== found);
        return { status: 204 };
      },
    },
  ]);
}

export function visibleAssignments(ctx: SandboxContext, side: Side, spId: string): SandboxAppRoleAssignment[] {
  return ctx.state.appRoleAssignments.filter((a) => belongs(side, a, spId) && ctx.isReplicated(a.id));
}

/**
 * Validation order follows the failures docs/graph-service-principals-and-consent.md#admin-consent-app-role-assignments and docs/graph-errors-and-consistency.md#codes-met list: unknown or unreplicated principal
 * or resource → "Not a valid reference update."; a role the resource does not define → 400;
 * an existing (principal, resource, role) → "Permission being assigned already exists on the object".
 */
function createAssignment(ctx: SandboxContext, req: SandboxRequest, side: Side, pathSp: SandboxServicePrincipal): SandboxAppRoleAssignment {
  const body = asObject(req.json());
  rejectUnknownProperties(body, 'appRoleAssignment');
  const principal = visibleServicePrincipal(ctx, body['principalId']);
  const resource = visibleServicePrincipal(ctx, body['resourceId']);
  if (!principal || !resource) throw invalidReference();
  if ((side === 'appRoleAssignments' ? principal : resource).id !== pathSp.id) throw invalidReference();
  const role = resource.appRoles.find((r) => r.id === body['appRoleId'] && r.isEnabled);
  if (!role) throw badRequest(`Permission being assigned was not found on application '${resource.appId}'.`);
  const duplicate = ctx.state.appRoleAssignments.some(
    (a) => a.principalId === principal.id && a.resourceId === resource.id && a.appRoleId === role.id,
  );
  if (duplicate) {
    throw badRequest('Permission being assigned already exists on the object', [
      { code: 'InvalidUpdate', message: 'Permission being assigned already exists on the object', target: 'appRoleId' },
    ]);
  }
  const assignment: SandboxAppRoleAssignment = {
    id: randomBytes(32).toString('base64url'),
    appRoleId: role.id,
    principalId: principal.id,
    principalType: 'ServicePrincipal',
    principalDisplayName: principal.displayName,
    resourceId: resource.id,
    resourceDisplayName: resource.displayName,
    createdDateTime: graphDate(ctx.clock.now()),
  };
  ctx.state.appRoleAssignments.push(assignment);
  ctx.markCreated(assignment.id);
  return assignment;
}

export function serializeAssignment(a: SandboxAppRoleAssignment): Record<string, unknown> {
  return { ...a, deletedDateTime: null };
}
