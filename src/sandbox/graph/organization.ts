import type { Route, SandboxContext } from '../context.ts';
import type { GraphAuthorizer } from './auth.ts';
import { resourceNotFound } from './errors.ts';
import { collection, entity, parseSelect } from './odata.ts';
import { GRAPH_TYPE_PROPERTIES } from './schema-properties.ts';

/** GET /organization (a one-element collection) and /organization/{id} (docs/graph-mail-and-organization.md#get-organization). */
export function organizationRoutes(ctx: SandboxContext, authorize: GraphAuthorizer): Route[] {
  const serialize = () => {
    const { id, displayName, domains } = ctx.state.tenant;
    return {
      id,
      deletedDateTime: null,
      displayName,
      countryLetterCode: 'US',
      preferredLanguage: 'en',
      tenantType: 'AAD',
      createdDateTime: '2020-01-01T00:00:00Z',
      onPremisesSyncEnabled: null,
      verifiedDomains: domains.map((name, index) => ({
        name,
        isDefault: index === 0,
        isInitial: name.endsWith('.onmicrosoft.com'),
        type: 'Managed',
        capabilities: 'Email, OfficeCommunicationsOnline',
      })),
    } as Record<string, unknown>;
  };
  const known = [...GRAPH_TYPE_PROPERTIES.organization];
  return [
    {
      kind: 'graph',
      method: 'GET',
      path: /^\/v1\.0\/organization$/,
      handle: async (req) => {
        await authorize(req, 'read-organization');
        return collection(ctx, req, 'organization', [serialize()], parseSelect(req, known, 'organization'));
      },
    },
    {
      kind: 'graph',
      method: 'GET',
      path: /^\/v1\.0\/organization\/([^/]+)$/,
      handle: async (req, match) => {
        await authorize(req, 'read-organization');
        if ((match[1] ?? '').toLowerCase() !== ctx.state.tenant.id.toLowerCase()) throw resourceNotFound(match[1] ?? '');
        return entity(ctx, 'organization', serialize(), parseSelect(req, known, 'organization'));
      },
    },
  ];
}
