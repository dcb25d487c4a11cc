import { randomUUID } from 'node:crypto';
import type { Route, SandboxContext } from '../context.ts';
import type { SandboxApplication, SandboxFederatedCredential } from '../state.ts';
import type { GraphAuthorizer } from './auth.ts';
import { badRequest, resourceNotFound } from './errors.ts';
import { addressPattern, readAddress, requireApplication } from './lookup.ts';
import { collection, entity } from './odata.ts';
import { asObject } from './validate.ts';

const APP = addressPattern(['appId', 'uniqueName']);
const LIST = new RegExp(`^/v1\\.0/applications${APP}/federatedIdentityCredentials$`);
const ONE = new RegExp(`^/v1\\.0/applications${APP}/federatedIdentityCredentials/([^/]+)$`);
const ENTITY_SET = 'applications/federatedIdentityCredentials';
/** At most 20 per application (docs/graph-applications.md#federated-identity-credentials). */
const MAX_PER_APP = 20;
const PROPERTIES = ['name', 'issuer', 'subject', 'audiences', 'description'];

/**
 * `/applications/{id}/federatedIdentityCredentials`: create (201), list, get by id or name, delete
 * (204), as docs/graph-applications.md#federated-identity-credentials describes them. The token
 * endpoint trusts an external issuer's token through them (src/sandbox/token/federated-assertion.ts).
 */
export function federatedCredentialRoutes(ctx: SandboxContext, authorize: GraphAuthorizer): Route[] {
  return [
    {
      kind: 'graph',
      method: 'POST',
      path: LIST,
      handle: async (req, match) => {
        await authorize(req, 'write-applications');
        const app = requireApplication(ctx, readAddress(match));
        const credential = readNewCredential(app, asObject(req.json()));
        app.federatedIdentityCredentials = [...(app.federatedIdentityCredentials ?? []), credential];
        ctx.markCreated(credential.id);
        return entity(ctx, ENTITY_SET, view(credential), undefined, 201);
      },
    },
    {
      kind: 'graph',
      method: 'GET',
      path: LIST,
      handle: async (req, match) => {
        await authorize(req, 'read-applications');
        const app = requireApplication(ctx, readAddress(match));
        return collection(ctx, req, ENTITY_SET, (app.federatedIdentityCredentials ?? []).map(view), undefined);
      },
    },
    {
      kind: 'graph',
      method: 'GET',
      path: ONE,
      handle: async (req, match) => {
        await authorize(req, 'read-applications');
        const app = requireApplication(ctx, readAddress(match));
        return entity(ctx, ENTITY_SET, view(findCredential(app, match[4] ?? '')), undefined);
      },
    },
    {
      kind: 'graph',
      method: 'DELETE',
      path: ONE,
      handle: async (req, match) => {
        await authorize(req, 'write-applications');
        const app = requireApplication(ctx, readAddress(match));
        const credential = findCredential(app, match[4] ?? '');
        app.federatedIdentityCredentials = (app.federatedIdentityCredentials ?? []).filter((c) => c !== credential);
        return { status: 204 };
      },
    },
  ];
}

/** By id or by name: Graph addresses a federated identity credential by either. */
function findCredential(app: SandboxApplication, key: string): SandboxFederatedCredential {
  const wanted = key.toLowerCase();
  const found = (app.federatedIdentityCredentials ?? []).find((c) => c.id.toLowerCase() === wanted || c.name.toLowerCase() === wanted);
  if (!found) throw resourceNotFound(key);
  return found;
}

function readNewCredential(app: SandboxApplication, body: Record<string, unknown>): SandboxFederatedCredential {
  for (const name of Object.keys(body)) {
    if (!PROPERTIES.includes(name) && !name.includes('@odata.') && name !== 'id')
      throw badRequest(`Property '${name}' does not exist on type 'microsoft.graph.federatedIdentityCredential'.`);
  }
  const text = (name: string): string => {
    const value = body[name];
    if (typeof value !== 'string' || value.trim() === '')
      throw badRequest(`Property '${name}' is required and must be a non-empty string.`);
    return value;
  };
  const name = text('name');
  // "Limit of 120 characters and must be URL friendly" (federatedIdentityCredential resource type).
  if (name.length > 120 || !/^[A-Za-z0-9][A-Za-z0-9._~-]*$/.test(name))
    throw badRequest(`Federated Identity Credential name '${name}' is invalid.`);
  const issuer = text('issuer');
  const subject = text('subject');
  const audiences = body['audiences'];
  if (!Array.isArray(audiences) || audiences.length !== 1 || typeof audiences[0] !== 'string' || audiences[0] === '')
    throw badRequest('Federated identity credentials must have exactly one audience.');
  const existing = app.federatedIdentityCredentials ?? [];
  if (existing.length >= MAX_PER_APP) throw badRequest(`An application can have at most ${MAX_PER_APP} federated identity credentials.`);
  if (existing.some((c) => c.name.toLowerCase() === name.toLowerCase()))
    throw badRequest(`A federated identity credential named '${name}' already exists on this application.`);
  if (existing.some((c) => c.issuer === issuer && c.subject === subject))
    throw badRequest('Issuer and subject combination already exists for this application.');
  const description = body['description'];
  return {
    id: randomUUID(),
    name,
    issuer,
    subject,
    audiences: [audiences[0]],
    description: typeof description === 'string' ? description : null,
  };
}

function view(c: SandboxFederatedCredential): Record<string, unknown> {
  return { id: c.id, name: c.name, issuer: c.issuer, subject: c.subject, description: c.description, audiences: c.audiences };
}
