import { X509Certificate, randomUUID } from 'node:crypto';
import type { SandboxContext } from '../context.ts';
import type { SandboxApplication, SandboxKeyCredential } from '../state.ts';
import { badRequest } from './errors.ts';
import { isUniqueNameHeld, uniqueNameConflict } from './soft-delete.ts';
import { graphDate } from './odata.ts';
import { APPLICATION_SHAPE, overlayShape, shapeView } from './entity-shapes.ts';
import { GRAPH_TYPE_PROPERTIES } from './schema-properties.ts';
import { asObject, invalidValue, optionalString, rejectReadOnly, rejectUnknownProperties, stringArray } from './validate.ts';

/** Properties the sandbox models; any other schema property lands in `extra` and is echoed back. */
const MODELLED = new Set([
  'displayName',
  'uniqueName',
  'signInAudience',
  'description',
  'notes',
  'tags',
  'web',
  'publicClient',
  'requiredResourceAccess',
  'keyCredentials',
  'passwordCredentials',
  '@odata.type',
]);
const READ_ONLY = ['id', 'appId', 'createdDateTime', 'publisherDomain', 'deletedDateTime'];
const AUDIENCES = ['AzureADMyOrg', 'AzureADMultipleOrgs', 'AzureADandPersonalMicrosoftAccount', 'PersonalMicrosoftAccount'];

/**
 * The application as Graph returns it: every property (entity-shapes.ts), secrets without their
 * hash; with `select`, the properties it names (a `$select` answer shows no others).
 */
export function serializeApplication(
  app: SandboxApplication,
  options: { withKeys?: boolean; select?: readonly string[] | undefined } = {},
): Record<string, unknown> {
  return overlayShape(APPLICATION_SHAPE, applicationValues(app, options), options.select);
}

/** The application as a list query reads it (entity-shapes.ts `shapeView`). */
export function applicationQueryView(app: SandboxApplication): Record<string, unknown> {
  return shapeView(APPLICATION_SHAPE, applicationValues(app, {}));
}

function applicationValues(app: SandboxApplication, options: { withKeys?: boolean }): Record<string, unknown> {
  return {
    id: app.id,
    appId: app.appId,
    createdDateTime: app.createdDateTime,
    description: app.description,
    displayName: app.displayName,
    notes: app.notes,
    publisherDomain: app.publisherDomain,
    signInAudience: app.signInAudience,
    tags: app.tags,
    uniqueName: app.uniqueName,
    keyCredentials: app.keyCredentials.map((k) => ({ ...k, key: options.withKeys ? k.key : null })),
    passwordCredentials: app.passwordCredentials.map(({ secretSha256: _hash, ...rest }) => ({ ...rest, secretText: null })),
    publicClient: app.publicClient,
    requiredResourceAccess: app.requiredResourceAccess,
    web: app.web,
    ...app.extra,
  };
}

/** All property names a serialized application has (for `$select`). */
export const APPLICATION_SELECTABLE: string[] = [...GRAPH_TYPE_PROPERTIES.application];

/** A new application from a POST/upsert body (docs/graph-applications.md#create): only displayName is required. */
/** A new application object with Graph's defaults (empty collections, fresh ids). */
export function blankApplication(
  fields: Partial<SandboxApplication> & Pick<SandboxApplication, 'createdDateTime' | 'publisherDomain'>,
): SandboxApplication {
  return {
    id: randomUUID(),
    appId: randomUUID(),
    uniqueName: null,
    displayName: '',
    signInAudience: 'AzureADandPersonalMicrosoftAccount',
    description: null,
    notes: null,
    tags: [],
    web: { redirectUris: [] },
    publicClient: { redirectUris: [] },
    requiredResourceAccess: [],
    passwordCredentials: [],
    keyCredentials: [],
    ...fields,
  };
}

export function createApplication(ctx: SandboxContext, rawBody: unknown, uniqueName?: string): SandboxApplication {
  const body = asObject(rawBody);
  rejectUnknownProperties(body, 'application');
  rejectReadOnly(body, READ_ONLY);
  if (typeof body['displayName'] !== 'string' || body['displayName'].trim() === '') {
    throw badRequest("Invalid value specified for property 'displayName' of resource 'Application'.");
  }
  const app = blankApplication({
    uniqueName: uniqueName ?? null,
    createdDateTime: graphDate(ctx.clock.now()),
    publisherDomain: ctx.state.tenant.domains[0] ?? '',
  });
  applyApplicationChanges(ctx, app, body);
  return app;
}

/** Applies a PATCH body; collections are replaced wholesale (docs/graph-applications.md#update); uniqueName is immutable once set. */
export function applyApplicationChanges(ctx: SandboxContext, app: SandboxApplication, body: Record<string, unknown>): void {
  rejectUnknownProperties(body, 'application');
  rejectReadOnly(body, READ_ONLY, {
    id: app.id,
    appId: app.appId,
    createdDateTime: app.createdDateTime,
    publisherDomain: app.publisherDomain,
  });
  const uniqueName = optionalString(body, 'uniqueName');
  if (uniqueName !== undefined && uniqueName !== app.uniqueName) {
    if (app.uniqueName !== null) throw badRequest("Property 'uniqueName' is read-only and cannot be changed once set.");
    const taken = (name: string) => ctx.state.applications.some((a) => a !== app && a.uniqueName?.toLowerCase() === name.toLowerCase());
    // Taken by a live app or by one in deleted items: Graph answers 400 with an ObjectConflict detail.
    if (uniqueName !== null && (taken(uniqueName) || isUniqueNameHeld(ctx, uniqueName))) throw uniqueNameConflict();
    app.uniqueName = uniqueName;
  }
  const displayName = optionalString(body, 'displayName');
  if (displayName !== undefined) {
    if (!displayName) throw invalidValue('displayName', 'Application');
    app.displayName = displayName;
  }
  const signInAudience = optionalString(body, 'signInAudience');
  if (signInAudience !== undefined) {
    if (!signInAudience || !AUDIENCES.includes(signInAudience)) throw invalidValue('signInAudience', 'Application');
    app.signInAudience = signInAudience;
  }
  for (const name of ['description', 'notes'] as const) {
    const value = optionalString(body, name);
    if (value !== undefined) app[name] = value;
  }
  app.tags = stringArray(body, 'tags') ?? app.tags;
  if (body['web'] !== undefined) app.web = redirectHolder(body['web'], 'web');
  if (body['publicClient'] !== undefined) app.publicClient = redirectHolder(body['publicClient'], 'publicClient');
  if (body['requiredResourceAccess'] !== undefined) app.requiredResourceAccess = requiredResourceAccess(body['requiredResourceAccess']);
  if (body['keyCredentials'] !== undefined) app.keyCredentials = keyCredentials(ctx, app, body['keyCredentials']);
  const passwords = body['passwordCredentials'];
  if (passwords !== undefined && !(Array.isArray(passwords) && passwords.length === 0 && app.passwordCredentials.length === 0)) {
    throw badRequest("Property 'passwordCredentials' cannot be set directly; use the addPassword and removePassword actions.");
  }
  for (const [name, value] of Object.entries(body)) {
    if (!MODELLED.has(name) && !READ_ONLY.includes(name) && !name.includes('@odata.')) app.extra = { ...app.extra, [name]: value };
  }
}

function redirectHolder(value: unknown, name: string): { redirectUris: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidValue(name, 'Application');
  const holder = value as Record<string, unknown>;
  const uris = stringArray(holder, 'redirectUris') ?? [];
  return { ...holder, redirectUris: uris };
}

function requiredResourceAccess(value: unknown): SandboxApplication['requiredResourceAccess'] {
  if (!Array.isArray(value)) throw invalidValue('requiredResourceAccess', 'Application');
  return value.map((entry) => {
    const item = asObject(entry);
    const access = item['resourceAccess'];
    if (typeof item['resourceAppId'] !== 'string' || !Array.isArray(access)) throw invalidValue('requiredResourceAccess', 'Application');
    return {
      resourceAppId: item['resourceAppId'],
      resourceAccess: access.map((a) => {
        const grant = asObject(a);
        if (typeof grant['id'] !== 'string' || (grant['type'] !== 'Role' && grant['type'] !== 'Scope'))
          throw invalidValue('requiredResourceAccess', 'Application');
        return { id: grant['id'], type: grant['type'] };
      }),
    };
  });
}

/** First certificate goes in by PATCH (docs/graph-applications.md#certificates-keycredentials-addkey); an entry may repeat an existing keyId with key null to keep it. */
function keyCredentials(ctx: SandboxContext, app: SandboxApplication, value: unknown): SandboxKeyCredential[] {
  if (!Array.isArray(value)) throw invalidValue('keyCredentials', 'Application');
  return value.map((entry) => {
    const item = asObject(entry);
    rejectUnknownProperties(item, 'keyCredential');
    const existing = app.keyCredentials.find((k) => k.keyId === item['keyId']);
    if (existing && (item['key'] === null || item['key'] === undefined || item['key'] === existing.key)) return existing;
    return newKeyCredential(ctx, item);
  });
}

/** Parses a keyCredential body (base64 DER of a public certificate) and records it for replication. */
export function newKeyCredential(ctx: SandboxContext, item: Record<string, unknown>): SandboxKeyCredential {
  if (item['type'] !== 'AsymmetricX509Cert' || item['usage'] !== 'Verify' || typeof item['key'] !== 'string')
    throw invalidValue('keyCredentials', 'Application');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(item['key'], 'base64'));
  } catch {
    throw badRequest('Key credential key is not a valid base64 X.509 certificate.');
  }
  const keyId = typeof item['keyId'] === 'string' ? item['keyId'] : randomUUID();
  ctx.markCreated(keyId);
  return {
    keyId,
    displayName: typeof item['displayName'] === 'string' ? item['displayName'] : `CN=${cert.subject.split('CN=')[1]?.split('\n')[0] ?? ''}`,
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
    key: Buffer.from(cert.raw).toString('base64'),
    startDateTime: typeof item['startDateTime'] === 'string' ? item['startDateTime'] : graphDate(new Date(cert.validFrom)),
    endDateTime: typeof item['endDateTime'] === 'string' ? item['endDateTime'] : graphDate(new Date(cert.validTo)),
    customKeyIdentifier: typeof item['customKeyIdentifier'] === 'string' ? item['customKeyIdentifier'] : cert.fingerprint.replace(/:/g, ''),
  };
}
