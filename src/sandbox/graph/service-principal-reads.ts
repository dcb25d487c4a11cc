import type { Route, SandboxContext, SandboxRequest } from '../context.ts';
import type { SandboxServicePrincipal } from '../state.ts';
import { serializeAssignment, visibleAssignments } from './app-role-assignments.ts';
import type { GraphAuthorizer } from './auth.ts';
import { SERVICE_PRINCIPAL_FILTERS } from './filter-support.ts';
import { queryItems, type ListSpec } from './list-query.ts';
import { addressPattern, readAddress, requireServicePrincipal } from './lookup.ts';
import { collection, countOnly, entity, odataContext, parseExpand, parseSelect } from './odata.ts';
import { GRAPH_TYPE_PROPERTIES } from './schema-properties.ts';
import { serializeServicePrincipal, servicePrincipalQueryView } from './service-principals.ts';

const ONE = new RegExp(`^/v1\\.0/servicePrincipals${addressPattern(['appId'])}$`);
const PROPERTY = new RegExp(
  `^/v1\\.0/servicePrincipals${addressPattern(['appId'])}/(appRoles|oauth2PermissionScopes|servicePrincipalNames|tags)$`,
);
const LIST: ListSpec = {
  filterable: SERVICE_PRINCIPAL_FILTERS,
  resource: 'ServicePrincipal',
  orderable: ['displayName', 'createdDateTime'],
  searchable: ['displayName', 'description'],
};
/** Navigation properties a read may `$expand` (the ones this sandbox keeps). */
const EXPANDABLE = ['appRoleAssignments', 'appRoleAssignedTo', 'oauth2PermissionGrants'];
/** An expanded directory relationship holds at most 20 objects and has no next link (docs/sandbox-fidelity.md). */
const EXPAND_LIMIT = 20;

/** GET /servicePrincipals[/$count], /{id} | (appId='…'), and property paths like /{id}/appRoles (docs/graph-service-principals-and-consent.md#service-principal, docs/sandbox-fidelity.md). */
export function servicePrincipalReadRoutes(ctx: SandboxContext, authorize: GraphAuthorizer): Route[] {
  const known = [...GRAPH_TYPE_PROPERTIES.servicePrincipal, ...EXPANDABLE];
  const view = (req: SandboxRequest) => {
    const expand = parseExpand(req, EXPANDABLE, 'servicePrincipal');
    const select = parseSelect(req, known, 'servicePrincipal');
    return (sp: SandboxServicePrincipal) => withExpanded(ctx, serializeServicePrincipal(sp, select), sp, expand);
  };
  const list = (req: SandboxRequest) =>
    queryItems(
      req,
      ctx.state.servicePrincipals.filter((sp) => ctx.isReplicated(sp.id)),
      LIST,
      servicePrincipalQueryView,
    );
  const contextSelect = (req: SandboxRequest) => {
    const select = parseSelect(req, known, 'servicePrincipal');
    const expand = parseExpand(req, EXPANDABLE, 'servicePrincipal');
    return { select, shown: expand.length ? [...(select ?? []), ...expand.map((e) => `${e}()`)] : select, keep: expand };
  };
  return [
    {
      kind: 'graph',
      method: 'GET',
      path: /^\/v1\.0\/servicePrincipals$/,
      handle: async (req) => {
        await authorize(req, 'read-applications');
        const { select, shown, keep } = contextSelect(req);
        const page = collection(ctx, req, 'servicePrincipals', list(req), select && [...select, ...keep], view(req));
        (page.body as Record<string, unknown>)['@odata.context'] = odataContext(ctx, 'servicePrincipals', { select: shown });
        return page;
      },
    },
    {
      kind: 'graph',
      method: 'GET',
      path: /^\/v1\.0\/servicePrincipals\/\$count$/,
      handle: async (req) => {
        await authorize(req, 'read-applications');
        return countOnly(req, list(req));
      },
    },
    {
      kind: 'graph',
      method: 'GET',
      path: ONE,
      handle: async (req, match) => {
        await authorize(req, 'read-applications');
        const { select, shown, keep } = contextSelect(req);
        const item = view(req)(requireServicePrincipal(ctx, readAddress(match)));
        const answer = entity(ctx, 'servicePrincipals', item, select && [...select, ...keep]);
        answer.body['@odata.context'] = odataContext(ctx, 'servicePrincipals', { select: shown, entity: true });
        return answer;
      },
    },
    {
      // A collection-valued property addressed as a path, e.g. what a client reads to list a resource's roles.
      kind: 'graph',
      method: 'GET',
      path: PROPERTY,
      handle: async (req, match) => {
        await authorize(req, 'read-applications');
        const sp = requireServicePrincipal(ctx, readAddress(match));
        const property = match[4] ?? '';
        const value = serializeServicePrincipal(sp)[property];
        return { status: 200, body: { '@odata.context': odataContext(ctx, `servicePrincipals('${sp.id}')/${property}`), value } };
      },
    },
  ];
}

function withExpanded(
  ctx: SandboxContext,
  item: Record<string, unknown>,
  sp: SandboxServicePrincipal,
  expand: string[],
): Record<string, unknown> {
  if (expand.length === 0) return item;
  const expanded: Record<string, unknown> = { ...item };
  for (const name of expand) {
    const related =
      name === 'oauth2PermissionGrants'
        ? ctx.state.oauth2PermissionGrants.filter((g) => g.clientId === sp.id && ctx.isReplicated(g.id)).map((g) => ({ ...g }))
        : visibleAssignments(ctx, name as 'appRoleAssignments' | 'appRoleAssignedTo', sp.id).map(serializeAssignment);
    expanded[name] = related.slice(0, EXPAND_LIMIT);
  }
  return expanded;
}
