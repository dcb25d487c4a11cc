import type { SandboxContext } from '../context.ts';
import type { SandboxApplication, SandboxDeletedItem, SandboxServicePrincipal, TenantState } from '../state.ts';
import { badRequest, type GraphRequestError } from './errors.ts';

/**
 * Entra's soft delete (docs/graph-applications.md "Delete, restore, purge"): DELETE on an
 * application or a service principal only moves it to deleted items, where it stays restorable for
 * 30 days and an application keeps its `uniqueName`. Deleting an app deletes its service principal
 * too. The routes that list, restore and purge are in deleted-items.ts.
 * https://learn.microsoft.com/graph/api/resources/directory
 */
export const DELETED_ITEM_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/** The deleted items, with anything past its 30 days gone for good. */
export function deletedItems(ctx: SandboxContext): SandboxDeletedItem[] {
  const state = ctx.state as TenantState;
  const now = ctx.clock.nowMs();
  state.deletedItems = (state.deletedItems ?? []).filter((item) => item.deletedAt + DELETED_ITEM_RETENTION_MS > now);
  return state.deletedItems;
}

/** Soft-deletes an app and the service principals of its appId (with their assignments and grants). */
export function softDeleteApplication(ctx: SandboxContext, app: SandboxApplication): void {
  const items = deletedItems(ctx);
  const deletedAt = ctx.clock.nowMs();
  ctx.state.applications = ctx.state.applications.filter((a) => a !== app);
  items.push({ kind: 'application', deletedAt, application: app });
  for (const sp of ctx.state.servicePrincipals.filter((s) => s.appId === app.appId)) softDeleteServicePrincipal(ctx, sp);
}

/** Soft-deletes a service principal; its app role assignments and grants wait with it. */
export function softDeleteServicePrincipal(ctx: SandboxContext, sp: SandboxServicePrincipal): void {
  const state = ctx.state;
  const items = deletedItems(ctx);
  const mine = (id: string) => id === sp.id;
  items.push({
    kind: 'servicePrincipal',
    deletedAt: ctx.clock.nowMs(),
    servicePrincipal: sp,
    appRoleAssignments: state.appRoleAssignments.filter((a) => mine(a.principalId)),
    oauth2PermissionGrants: state.oauth2PermissionGrants.filter((g) => mine(g.clientId)),
  });
  state.servicePrincipals = state.servicePrincipals.filter((s) => s !== sp);
  state.appRoleAssignments = state.appRoleAssignments.filter((a) => !mine(a.principalId) && !mine(a.resourceId));
  state.oauth2PermissionGrants = state.oauth2PermissionGrants.filter((g) => !mine(g.clientId) && !mine(g.resourceId));
}

/**
 * Graph's answer when a uniqueName is taken, by a live app or by one in deleted items:
 * 400 Request_BadRequest with an ObjectConflict detail naming the property.
 */
export function uniqueNameConflict(): GraphRequestError {
  const message = 'Another object with the same value for property uniqueName already exists.';
  return badRequest(message, [{ code: 'ObjectConflict', message, target: 'uniqueName' }]);
}

/** Is this uniqueName held by an app in deleted items? */
export function isUniqueNameHeld(ctx: SandboxContext, uniqueName: string): boolean {
  const wanted = uniqueName.toLowerCase();
  return deletedItems(ctx).some((item) => item.application?.uniqueName?.toLowerCase() === wanted);
}
