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

export function initialDomain(org: Organization): string | undefined {
  return org.verifiedDomains.find((d) => d.isInitial)?.name ?? org.verifiedDomains.find((d) => d.name.endsWith('.onmicrosoft.com'))?.name;
}
