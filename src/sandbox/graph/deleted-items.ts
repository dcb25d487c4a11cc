import type { Route, SandboxContext } from '../context.ts';
import type { SandboxDeletedItem, SandboxServicePrincipal, TenantState } from '../state.ts';
import type { GraphAuthorizer } from './auth.ts';
import { serializeApplication } from './application-model.ts';
import { badRequest, GraphRequestError, resourceNotFound } from './errors.ts';
import { deletedItems } from './soft-delete.ts';
import { collection, graphDate, matchesFilter, parseFilter, parseSelect } from './odata.ts';
import { GRAPH_TYPE_PROPERTIES } from './schema-properties.ts';
import { serializeServicePrincipal } from './service-principals.ts';

/**
 * `/directory/deletedItems` (docs/graph-applications.md "Delete, restore, purge"): list (the type
 * cast is required), get, restore (200 + the object), permanently delete (204). Restoring an app
 * does not restore its service principal: that is a second restore, refused while the app is still
 * deleted. https://learn.microsoft.com/graph/api/directory-deleteditems-restore
 */
function idOf(item: SandboxDeletedItem): string {
  return (item.application ?? item.servicePrincipal)?.id ?? '';
}

function serialize(item: SandboxDeletedItem): Record<string, unknown> {
  const deletedDateTime = graphDate(new Date(item.deletedAt));
  if (item.application)
    return { '@odata.type': '#microsoft.graph.application', ...serializeApplication(item.application), deletedDateTime };
  return {
    '@odata.type': '#microsoft.graph.servicePrincipal',
    ...serializeServicePrincipal(item.servicePrincipal as SandboxServicePrincipal),
    deletedDateTime,
  };
}

const PREFIX = '^/v1\\.0/directory/deleted[Ii]tems';
const CAST: Record<string, SandboxDeletedItem['kind']> = {
  'microsoft.graph.application': 'application',
  'microsoft.graph.serviceprincipal': 'servicePrincipal',
};

/** GET list (with the required type cast), GET one, POST restore, DELETE (permanent). */
export function deletedItemRoutes(ctx: SandboxContext, authorize: GraphAuthorizer): Route[] {
  const find = (id: string) => {
    const item = deletedItems(ctx).find((candidate) => idOf(candidate).toLowerCase() === id.toLowerCase());
    if (!item) throw resourceNotFound(id);
    return item;
  };
  return [
    {
      kind: 'graph',
      method: 'GET',
      path: new RegExp(`${PREFIX}$`),
      handle: async (req) => {
        await authorize(req, 'read-applications');
        // The OData cast is a required part of the address.
        throw badRequest('The type of the deleted items must be given: /directory/deletedItems/microsoft.graph.application, …');
      },
    },
    {
      kind: 'graph',
      method: 'GET',
      path: new RegExp(`${PREFIX}/(microsoft\\.graph\\.(?:application|servicePrincipal))$`, 'i'),
      handle: async (req, match) => {
        await authorize(req, 'read-applications');
        const kind = CAST[(match[1] ?? '').toLowerCase()];
        const items = deletedItems(ctx)
          .filter((item) => item.kind === kind)
          .map(serialize);
        const type = kind === 'application' ? 'application' : 'servicePrincipal';
        const known: string[] = [...GRAPH_TYPE_PROPERTIES[type], 'deletedDateTime'];
        const select = parseSelect(req, known, type);
        const clauses = parseFilter(
          req.url.searchParams.get('$filter'),
          ['displayName', 'appId', 'uniqueName', 'id'],
          kind ?? 'directoryObject',
        );
        return collection(
          ctx,
          req,
          `directory/deletedItems/${match[1]}`,
          items.filter((item) => matchesFilter(item, clauses)),
          select,
        );
      },
    },
    {
      kind: 'graph',
      method: 'GET',
      path: new RegExp(`${PREFIX}/([0-9a-fA-F-]{36})$`),
      handle: async (req, match) => {
        await authorize(req, 'read-applications');
        return {
          status: 200,
          body: { '@odata.context': `${ctx.origin}/v1.0/$metadata#directoryObjects/$entity`, ...serialize(find(match[1] ?? '')) },
        };
      },
    },
    {
      kind: 'graph',
      method: 'POST',
      path: new RegExp(`${PREFIX}/([0-9a-fA-F-]{36})/restore$`),
      handle: async (req, match) => {
        await authorize(req, 'write-applications');
        const item = find(match[1] ?? '');
        restore(ctx, item);
        const body = serialize(item);
        return {
          status: 200,
          body: { '@odata.context': `${ctx.origin}/v1.0/$metadata#directoryObjects/$entity`, ...body, deletedDateTime: null },
        };
      },
    },
    {
      kind: 'graph',
      method: 'DELETE',
      path: new RegExp(`${PREFIX}/([0-9a-fA-F-]{36})$`),
      handle: async (req, match) => {
        await authorize(req, 'write-applications');
        const item = find(match[1] ?? '');
        const state = ctx.state as TenantState;
        state.deletedItems = deletedItems(ctx).filter((other) => other !== item);
        return { status: 204 };
      },
    },
  ];
}

function restore(ctx: SandboxContext, item: SandboxDeletedItem): void {
  const state = ctx.state as TenantState;
  if (item.servicePrincipal) {
    const sp = item.servicePrincipal;
    // A service principal cannot come back without its application.
    if (
      !state.applications.some((app) => app.appId === sp.appId) &&
      deletedItems(ctx).some((other) => other.application?.appId === sp.appId)
    ) {
      throw badRequest(`The application of service principal ${sp.id} is deleted; restore the application first.`);
    }
    if (state.servicePrincipals.some((other) => other.appId === sp.appId)) {
      throw new GraphRequestError(400, 'Request_BadRequest', 'Another object with the same value for property appId already exists.', {
        details: [{ code: 'ObjectConflict', target: 'appId' }],
      });
    }
    state.servicePrincipals.push(sp);
    state.appRoleAssignments.push(...(item.appRoleAssignments ?? []));
    state.oauth2PermissionGrants.push(...(item.oauth2PermissionGrants ?? []));
  } else if (item.application) {
    state.applications.push(item.application);
  }
  state.deletedItems = deletedItems(ctx).filter((other) => other !== item);
}
