import { randomUUID } from 'node:crypto';
import type { Route, SandboxContext } from '../context.ts';
import { findForeignApplication } from './multi-tenant-apps.ts';
import type { SandboxServicePrincipal } from '../state.ts';
import { wantsCreate } from './applications.ts';
import type { GraphAuthorizer } from './auth.ts';
import { GraphRequestError, badRequest, resourceNotFound } from './errors.ts';
import { softDeleteServicePrincipal } from './soft-delete.ts';
import { addressPattern, findServicePrincipalRaw, readAddress, requireServicePrincipal } from './lookup.ts';
import { SERVICE_PRINCIPAL_SHAPE, overlayShape, shapeView } from './entity-shapes.ts';
import { entity } from './odata.ts';
import { asObject, optionalString, rejectReadOnly, rejectUnknownProperties, stringArray } from './validate.ts';

const ONE = new RegExp(`^/v1\\.0/servicePrincipals${addressPattern(['appId'])}$`);
const MODELLED = new Set(['appId', 'accountEnabled', 'tags', 'notes', 'description', 'displayName', '@odata.type']);
const READ_ONLY = ['id', 'deletedDateTime', 'appOwnerOrganizationId', 'servicePrincipalType', 'appRoles', 'oauth2PermissionScopes'];

/** The service principal as Graph returns it; with `select`, the properties it names (a `$select` answer shows no others). */
export function serializeServicePrincipal(sp: SandboxServicePrincipal, select?: readonly string[]): Record<string, unknown> {
  return overlayShape(SERVICE_PRINCIPAL_SHAPE, servicePrincipalValues(sp), select);
}

/** The service principal as a list query reads it (entity-shapes.ts `shapeView`). */
export function servicePrincipalQueryView(sp: SandboxServicePrincipal): Record<string, unknown> {
  return shapeView(SERVICE_PRINCIPAL_SHAPE, servicePrincipalValues(sp));
}

function servicePrincipalValues(sp: SandboxServicePrincipal): Record<string, unknown> {
  return {
    id: sp.id,
    accountEnabled: sp.accountEnabled,
    appDisplayName: sp.displayName,
    appId: sp.appId,
    appOwnerOrganizationId: sp.appOwnerOrganizationId,
    appRoleAssignmentRequired: false,
    description: sp.description,
    displayName: sp.displayName,
    notes: sp.notes,
    servicePrincipalNames: sp.servicePrincipalNames ?? [sp.appId],
    servicePrincipalType: sp.servicePrincipalType,
    signInAudience: 'AzureADMyOrg',
    tags: sp.tags,
    appRoles: sp.appRoles,
    oauth2PermissionScopes: sp.oauth2PermissionScopes,
    ...sp.extra,
  };
}

/** Writes to /servicePrincipals, /{id}, (appId='…') incl. the create-if-missing upsert (docs/graph-service-principals-and-consent.md#service-principal); reads are in service-principal-reads.ts. */
export function servicePrincipalRoutes(ctx: SandboxContext, authorize: GraphAuthorizer): Route[] {
  return [
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
  const local = ctx.state.applications.find((a) => a.appId.toLowerCase() === appId.toLowerCase());
  // A multi-tenant app of another tenant gets its service principal here too (docs/sign-in.md#admin-consent-in-a-customer-tenant).
  const foreign = local ? undefined : findForeignApplication(ctx, appId);
  const app = local ?? foreign?.application;
  if (!app || (local && !ctx.isReplicated(local.id))) {
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
    appOwnerOrganizationId: foreign?.homeTenantId ?? ctx.state.tenant.id,
    servicePrincipalNames: [app.appId, ...identifierUris(app.extra?.['identifierUris'])],
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

/** An app's identifierUris become names of its service principal (docs/sandbox-fidelity.md). */
function identifierUris(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
