import type { GraphGateway } from './gateway.ts';
import type { Organization } from './types.ts';

/** The signed-in tenant (docs/graph-mail-and-organization.md#get-organization): confirms the tenant and gives its initial domain. */
export async function getOrganization(graph: GraphGateway): Promise<Organization> {
  const list = await graph.list<Organization>('/organization?$select=id,displayName,verifiedDomains', {
    step: 'read',
    object: 'organization',
  });
  const org = list[0];
  if (!org) throw new Error('GET /organization answered an empty collection');
  return org;
}

/**
 * The tenant for a run, as little as it needs (least privilege, docs/permissions.md): its id comes
 * from the admin token's `tid`, with no request at all; only when the tenant's domains are needed
 * (app-only Exchange sign-in wants the initial *.onmicrosoft.com domain) is it read, by id, which
 * needs Organization.Read.All (or Directory.Read.All) for an app. A token that cannot be read
 * falls back to listing /organization.
 */
export async function readTenant(graph: GraphGateway, token: string, options: { domains: boolean }): Promise<Organization> {
  return readTenantById(graph, tenantIdOf(token), options);
}

/** readTenant for a tenant id already taken from the token (undefined: the token could not be read). */
export async function readTenantById(graph: GraphGateway, tid: string | undefined, options: { domains: boolean }): Promise<Organization> {
  if (tid === undefined) return getOrganization(graph);
  if (!options.domains) return { id: tid, displayName: '', verifiedDomains: [] };
  const org = await graph.read<Organization>(`/organization/${encodeURIComponent(tid)}?$select=id,displayName,verifiedDomains`, {
    step: 'read',
    object: `organization ${tid}`,
  });
  if (!org) throw new Error(`GET /organization/${tid} found no organization for the token's own tenant`);
  return org;
}

/** The `tid` claim of a JWT access token, or undefined for a token that is not a readable JWT. */
export function tenantIdOf(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const tid = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { tid?: unknown }).tid;
    return typeof tid === 'string' && /^[0-9a-f-]{36}$/i.test(tid) ? tid : undefined;
  } catch {
    return undefined;
  }
}

export function initialDomain(org: Organization): string | undefined {
  return org.verifiedDomains.find((d) => d.isInitial)?.name ?? org.verifiedDomains.find((d) => d.name.endsWith('.onmicrosoft.com'))?.name;
}
