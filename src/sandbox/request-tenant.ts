import { decodeJwt } from 'jose';
import type { RouteKind, SandboxRequest } from './context.ts';
import type { TenantState } from './state.ts';
import type { TenantDirectory } from './tenants.ts';

/**
 * The tenant a request is served as (docs/sandbox-fidelity.md#many-tenants): the token endpoint's
 * and discovery's `/{tenant}/…` segment (tenant id or verified domain), else the `tid` of the bearer
 * token (Graph, Exchange, Key Vault). The token's signature is checked by the route, as before; an
 * unknown tenant falls back to the home tenant, whose checks then refuse the request as they
 * always did.
 */
export function tenantOfRequest(tenants: TenantDirectory, req: SandboxRequest, kind: RouteKind | 'unmatched'): TenantState {
  if (tenants.count === 1) return tenants.home;
  if (kind === 'token') return tenants.find(req.path.split('/')[1] ?? '') ?? tenants.home;
  const header = req.headers.authorization;
  if (!header || !/^Bearer\s/i.test(header)) return tenants.home;
  return tenantOfToken(tenants, header.slice(7).trim());
}

/** The tenant of an access token's `tid` (unverified: the caller verifies the token); the home tenant otherwise. */
export function tenantOfToken(tenants: TenantDirectory, token: string | undefined): TenantState {
  if (!token || tenants.count === 1) return tenants.home;
  try {
    const tid = decodeJwt(token).tid;
    return (typeof tid === 'string' ? tenants.find(tid) : undefined) ?? tenants.home;
  } catch {
    return tenants.home;
  }
}
