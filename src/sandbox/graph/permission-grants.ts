import { randomBytes } from 'node:crypto';
import type { Route, SandboxContext } from '../context.ts';
import type { SandboxOAuth2PermissionGrant } from '../state.ts';
import type { GraphAuthorizer } from './auth.ts';
import { GraphRequestError, badRequest, invalidReference, resourceNotFound } from './errors.ts';
import { visibleServicePrincipal } from './lookup.ts';
import { PERMISSION_GRANT_FILTERS } from './filter-support.ts';
import { queryItems } from './list-query.ts';
import { collection, entity, parseSelect } from './odata.ts';
import { GRAPH_TYPE_PROPERTIES } from './schema-properties.ts';
import { asObject, rejectUnknownProperties } from './validate.ts';

const ONE = /^\/v1\.0\/oauth2PermissionGrants\/([^/]+)$/;

/** Delegated consent: /oauth2PermissionGrants (docs/graph-service-principals-and-consent.md#delegated-consent-oauth2permissiongrants). One grant per (client, resource, consentType, principal). */
export function permissionGrantRoutes(ctx: SandboxContext, authorize: GraphAuthorizer): Route[] {
  const find = (id: string) => {
    const grant = ctx.state.oauth2PermissionGrants.find((g) => g.id === id && ctx.isReplicated(g.id));
    if (!grant) throw resourceNotFound(id);
    return grant;
  };
  return [
    {
      kind: 'graph',
      method: 'GET',
      path: /^\/v1\.0\/oauth2PermissionGrants$/,
      handle: async (req) => {
        await authorize(req, 'read-grants');
        const select = parseSelect(req, GRAPH_TYPE_PROPERTIES.oAuth2PermissionGrant, 'oAuth2PermissionGrant');
        const visible = ctx.state.oauth2PermissionGrants
          .filter((g) => ctx.isReplicated(g.id))
          .map((g) => ({ ...g }) as Record<string, unknown>);
        const items = queryItems(req, visible, {
          filterable: PERMISSION_GRANT_FILTERS,
          resource: 'OAuth2PermissionGrant',
        });
        return collection(ctx, req, 'oauth2PermissionGrants', items, select);
      },
    },
    {
      kind: 'graph',
      method: 'POST',
      path: /^\/v1\.0\/oauth2PermissionGrants$/,
      handle: async (req) => {
        await authorize(req, 'write-grants');
        const grant = createGrant(ctx, asObject(req.json()));
        return entity(ctx, 'oauth2PermissionGrants', { ...grant }, undefined, 201);
      },
    },
    {
      kind: 'graph',
      method: 'GET',
      path: ONE,
      handle: async (req, match) => {
        await authorize(req, 'read-grants');
        return entity(ctx, 'oauth2PermissionGrants', { ...find(match[1] ?? '') }, undefined);
      },
    },
    {
      kind: 'graph',
      method: 'PATCH',
      path: ONE,
      handle: async (req, match) => {
        await authorize(req, 'write-grants');
        const grant = find(match[1] ?? '');
        const body = asObject(req.json());
        rejectUnknownProperties(body, 'oAuth2PermissionGrant');
        for (const name of Object.keys(body)) {
          if (name !== 'scope' && name !== '@odata.type' && body[name] !== grant[name as keyof SandboxOAuth2PermissionGrant]) {
            throw badRequest(`Property '${name}' is read-only and cannot be set.`);
          }
        }
        if (body['scope'] !== undefined) grant.scope = readScope(body['scope']);
        return { status: 204 };
      },
    },
    {
      kind: 'graph',
      method: 'DELETE',
      path: ONE,
      handle: async (req, match) => {
        await authorize(req, 'write-grants');
        const grant = find(match[1] ?? '');
        ctx.state.oauth2PermissionGrants = ctx.state.oauth2PermissionGrants.filter((g) => g !== grant);
        return { status: 204 };
      },
    },
  ];
}

function createGrant(ctx: SandboxContext, body: Record<string, unknown>): SandboxOAuth2PermissionGrant {
  rejectUnknownProperties(body, 'oAuth2PermissionGrant');
  const consentType = body['consentType'];
  if (consentType !== 'AllPrincipals' && consentType !== 'Principal')
    throw badRequest("Invalid value specified for property 'consentType' of resource 'OAuth2PermissionGrant'.");
  const principalId = typeof body['principalId'] === 'string' ? body['principalId'] : null;
  if ((consentType === 'Principal') !== (principalId !== null))
    throw badRequest("Invalid value specified for property 'principalId' of resource 'OAuth2PermissionGrant'.");
  const client = visibleServicePrincipal(ctx, body['clientId']);
  const resource = visibleServicePrincipal(ctx, body['resourceId']);
  if (!client || !resource) throw invalidReference();
  const scope = readScope(body['scope'] ?? '');
  const duplicate = ctx.state.oauth2PermissionGrants.some(
    (g) => g.clientId === client.id && g.resourceId === resource.id && g.consentType === consentType && g.principalId === principalId,
  );
  if (duplicate) throw new GraphRequestError(409, 'Request_MultipleObjectsWithSameKeyValue', 'Permission entry already exists.');
  const grant: SandboxOAuth2PermissionGrant = {
    id: randomBytes(32).toString('base64url'),
    clientId: client.id,
    consentType,
    principalId,
    resourceId: resource.id,
    scope,
  };
  ctx.state.oauth2PermissionGrants.push(grant);
  ctx.markCreated(grant.id);
  return grant;
}

/** Space-separated scope values, not ids (docs/graph-service-principals-and-consent.md#delegated-consent-oauth2permissiongrants). */
function readScope(value: unknown): string {
  if (typeof value !== 'string') throw badRequest("Invalid value specified for property 'scope' of resource 'OAuth2PermissionGrant'.");
  return value.trim().split(/\s+/).filter(Boolean).join(' ');
}
