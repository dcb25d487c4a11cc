import type { SandboxContext } from '../context.ts';
import type { SandboxApplication, SandboxServicePrincipal } from '../state.ts';
import { resourceNotFound } from './errors.ts';

/**
 * Path fragment for an entity addressed by object id or by an alternate key:
 * `/{id}` or `(appId='…')` / `(uniqueName='…')` (docs/graph-applications.md#read, docs/graph-applications.md#upsert-by-uniquename, docs/graph-service-principals-and-consent.md#service-principal). Groups: 1 = id,
 * 2 = key name, 3 = key value (quotes doubled).
 */
export function addressPattern(keys: string[]): string {
  return `(?:/([^/()]+)|\\((${keys.join('|')})='((?:[^']|'')*)'\\))`;
}

export interface Address {
  key: 'id' | string;
  value: string;
}

export function readAddress(match: RegExpMatchArray): Address {
  if (match[1] !== undefined) return { key: 'id', value: match[1] };
  return { key: match[2] ?? 'id', value: (match[3] ?? '').replace(/''/g, "'") };
}

/** Finds an application regardless of replication (writes go to the primary). */
export function findApplicationRaw(ctx: SandboxContext, address: Address): SandboxApplication | undefined {
  const value = address.value.toLowerCase();
  return ctx.state.applications.find((app) => {
    if (address.key === 'id') return app.id.toLowerCase() === value;
    if (address.key === 'appId') return app.appId.toLowerCase() === value;
    return app.uniqueName?.toLowerCase() === value;
  });
}

/** A replicated application, or 404 Request_ResourceNotFound (docs/graph-errors-and-consistency.md#codes-met). */
export function requireApplication(ctx: SandboxContext, address: Address): SandboxApplication {
  const app = findApplicationRaw(ctx, address);
  if (!app || !ctx.isReplicated(app.id)) throw resourceNotFound(address.value);
  return app;
}

export function findServicePrincipalRaw(ctx: SandboxContext, address: Address): SandboxServicePrincipal | undefined {
  const value = address.value.toLowerCase();
  return ctx.state.servicePrincipals.find((sp) => (address.key === 'appId' ? sp.appId : sp.id).toLowerCase() === value);
}

export function requireServicePrincipal(ctx: SandboxContext, address: Address): SandboxServicePrincipal {
  const sp = findServicePrincipalRaw(ctx, address);
  if (!sp || !ctx.isReplicated(sp.id)) throw resourceNotFound(address.value);
  return sp;
}

/** A replicated service principal by object id, for references inside bodies. */
export function visibleServicePrincipal(ctx: SandboxContext, id: unknown): SandboxServicePrincipal | undefined {
  if (typeof id !== 'string') return undefined;
  const sp = ctx.state.servicePrincipals.find((s) => s.id.toLowerCase() === id.toLowerCase());
  return sp && ctx.isReplicated(sp.id) ? sp : undefined;
}

/** Removes a service principal with its app role assignments (both directions) and grants. */
export function removeServicePrincipal(ctx: SandboxContext, sp: SandboxServicePrincipal): void {
  const state = ctx.state;
  state.servicePrincipals = state.servicePrincipals.filter((s) => s !== sp);
  state.appRoleAssignments = state.appRoleAssignments.filter((a) => a.principalId !== sp.id && a.resourceId !== sp.id);
  state.oauth2PermissionGrants = state.oauth2PermissionGrants.filter((g) => g.clientId !== sp.id && g.resourceId !== sp.id);
}
