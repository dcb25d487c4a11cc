import { randomUUID } from 'node:crypto';
import type { Route, SandboxContext, SandboxRequest } from '../context.ts';
import type { SandboxServicePrincipal } from '../state.ts';
import { wantsCreate } from './applications.ts';
import type { GraphAuthorizer } from './auth.ts';
import { GraphRequestError, badRequest, resourceNotFound } from './errors.ts';
import { softDeleteServicePrincipal } from './soft-delete.ts';
import { addressPattern, findServicePrincipalRaw, readAddress, requireServicePrincipal } from './lookup.ts';
import { collection, entity, matchesFilter, parseFilter, parseSelect } from './odata.ts';
import { GRAPH_TYPE_PROPERTIES } from './schema-properties.ts';
import { asObject, optionalString, rejectReadOnly, rejectUnknownProperties, stringArray } from './validate.ts';

const ONE = new RegExp(`^/v1\\.0/servicePrincipals${addressPattern(['appId'])}$`);
const MODELLED = new Set(['appId', 'accountEnabled', 'tags', 'notes', 'description', 'displayName', '@odata.type']);
const READ_ONLY = ['id', 'deletedDateTime', 'appOwnerOrganizationId', 'servicePrincipalType', 'appRoles', 'oauth2PermissionScopes'];

export function serializeServicePrincipal(sp: SandboxServicePrincipal): Record<string, unknown> {
  return {
    id: sp.id,
    deletedDateTime: null,
    accountEnabled: sp.accountEnabled,
    appDisplayName: sp.displayName,
    appId: sp.appId,
    appOwnerOrganizationId: sp.appOwnerOrganizationId,
    appRoleAssignmentRequired: false,
    description: sp.description,
    displayName: sp.displayName,
    notes: sp.notes,
    servicePrincipalNames: [sp.appId],
    servicePrincipalType: sp.servicePrincipalType,
    signInAudience: 'AzureADMyOrg',
    tags: sp.tags,
    appRoles: sp.appRoles,
    oauth2PermissionScopes: sp.oauth2PermissionScopes,
    keyCredentials: [],
    passwordCredentials: [],
    ...sp.extra,
  };
}

/** /servicePrincipals, /{id}, (appId='…') incl. the create-if-missing upsert (docs/graph-service-principals-and-consent.md#service-principal). */
export function servicePrincipalRoutes(ctx: SandboxContext, authorize: GraphAuthorizer): Route[] {
  const selectOf = (req: SandboxRequest) => parseSelect(req, [...GRAPH_TYPE_PROPERTIES.servicePrincipal], 'servicePrincipal');
  return [
    {
      kind: 'graph',
      method: 'GET',
      path: /^\/v1\.0\/servicePrincipals$/,
      handle: async (req) => {
        await authorize(req, 'read-applications');
        const select = selectOf(req);
        const clauses = parseFilter(req.url.searchParams.get('$filter'), ['appId', 'displayName', 'id'], 'ServicePrincipal');
        const items = ctx.state.servicePrincipals
          .filter((sp) => ctx.isReplicated(sp.id))
          .map(serializeServicePrincipal)
          .filter((item) => matchesFilter(item, clauses));
        return collection(ctx, req, 'servicePrincipals', items, select);
      },
    },
    {
      kind: 'graph',
      method: 'POST',
      path: /^\/v1\.0\/servicePrincipals$/,
      handle: async (req) => {
        await authorize(req, 'write-applications');
        const sp = createServicePrincipal(ctx, asObject(req.json()));
        return entity(ctx, 'servicePrincipals', serializeServicePrincipal(sp), undefined, 201);
      },
    },
    {
      kind: 'graph',
      method: 'GET',
      path: ONE,
      handle: async (req, match) => {
        await authorize(req, 'read-applications');
        const select = selectOf(req);
        return entity(ctx, 'servicePrincipals', serializeServicePrincipal(requireServicePrincipal(ctx, readAddress(match))), select);
      },
    },
    {
      kind: 'graph',
      method: 'PATCH',
      path: ONE,
      handle: async (req, match) => {
        await authorize(req, 'write-applications');
        const address = readAddress(match);
        const body = asObject(req.json());
        const existing = findServicePrincipalRaw(ctx, address);
        if (existing) {
          if (address.key !== 'appId' && !ctx.isReplicated(existing.id)) throw resourceNotFound(address.value);
          applyChanges(existing, body);
          return { status: 204 };
        }
        if (address.key !== 'appId' || !wantsCreate(req)) throw resourceNotFound(address.value);
        const sp = createServicePrincipal(ctx, { ...body, appId: address.value });
        return entity(ctx, 'servicePrincipals', serializeServicePrincipal(sp), undefined, 201);
      },
    },
    {
      kind: 'graph',
      method: 'DELETE',
      path: ONE,
      handle: async (req, match) => {
        await authorize(req, 'write-applications');
        softDeleteServicePrincipal(ctx, requireServicePrincipal(ctx, readAddress(match)));
        return { status: 204 };
      },
    },
  ];
}

/**
 * Creates the SP for an app: a duplicate is 409 ObjectConflict; an app that is missing or not yet
 * replicated is 400 NoBackingApplicationObject (docs/graph-service-principals-and-consent.md#service-principal, docs/graph-errors-and-consistency.md#codes-met; docs/reliability.md#sp-create-races-the-app).
 */
function createServicePrincipal(ctx: SandboxContext, body: Record<string, unknown>): SandboxServicePrincipal {
  rejectUnknownProperties(body, 'servicePrincipal');
  rejectReadOnly(body, READ_ONLY);
  const appId = typeof body['appId'] === 'string' ? body['appId'] : '';
  if (!appId) throw badRequest("Invalid value specified for property 'appId' of resource 'ServicePrincipal'.");
  if (ctx.state.servicePrincipals.some((sp) => sp.appId.toLowerCase() === appId.toLowerCase())) {
    throw new GraphRequestError(
      409,
      'Request_MultipleObjectsWithSameKeyValue',
      `The service principal cannot be created, updated, or restored because the service principal name ${appId} is already in use.`,
      {
        details: [
          { code: 'ObjectConflict', message: `The service principal name ${appId} is already in use.`, target: 'servicePrincipalNames' },
        ],
      },
    );
  }
  const app = ctx.state.applications.find((a) => a.appId.toLowerCase() === appId.toLowerCase());
  if (!app || !ctx.isReplicated(app.id)) {
    throw badRequest(`The appId '${appId}' of the service principal does not reference a valid application object.`, [
      {
        code: 'NoBackingApplicationObject',
        message: `The appId '${appId}' of the service principal does not reference a valid application object.`,
        target: 'appId',
      },
    ]);
  }
  const sp: SandboxServicePrincipal = {
    id: randomUUID(),
    appId: app.appId,
    displayName: app.displayName,
    accountEnabled: true,
    servicePrincipalType: 'Application',
    appOwnerOrganizationId: ctx.state.tenant.id,
    tags: [],
    appRoles: [],
    oauth2PermissionScopes: [],
    notes: null,
    description: null,
  };
  applyChanges(sp, body);
  ctx.state.servicePrincipals.push(sp);
  ctx.markCreated(sp.id);
  return sp;
}

function applyChanges(sp: SandboxServicePrincipal, body: Record<string, unknown>): void {
  rejectUnknownProperties(body, 'servicePrincipal');
  rejectReadOnly(body, READ_ONLY);
  if (body['appId'] !== undefined && body['appId'] !== sp.appId) throw badRequest("Property 'appId' is read-only and cannot be changed.");
  if (body['accountEnabled'] !== undefined) {
    if (typeof body['accountEnabled'] !== 'boolean')
      throw badRequest("Invalid value specified for property 'accountEnabled' of resource 'ServicePrincipal'.");
    sp.accountEnabled = body['accountEnabled'];
  }
  sp.tags = stringArray(body, 'tags') ?? sp.tags;
  const displayName = optionalString(body, 'displayName');
  if (displayName) sp.displayName = displayName;
  for (const name of ['notes', 'description'] as const) {
    const value = optionalString(body, name);
    if (value !== undefined) sp[name] = value;
  }
  for (const [name, value] of Object.entries(body)) {
    if (!MODELLED.has(name) && !READ_ONLY.includes(name) && !name.includes('@odata.')) sp.extra = { ...sp.extra, [name]: value };
  }
}
