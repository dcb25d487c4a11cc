import type { Route, SandboxContext, SandboxRequest, SandboxResponse } from '../context.ts';
import { addVersion, checkSecretName, findSecret, findVersion, renderVersion, VaultError } from './store.ts';

/** The resource Key Vault tokens are issued for (its challenge names it). */
export const KEY_VAULT_RESOURCE = 'https://vault.azure.net';

// Served at the origin's root (ids must be `<vault>/secrets/<name>/<version>` for the SDK to
// parse them) and under `/keyvault`, the vault URL the sandbox advertises.
const PREFIX = '^(?:/keyvault)?/secrets/([^/]+)';

/**
 * The Key Vault secrets calls `SecretClient` (@azure/keyvault-secrets) makes: setSecret (PUT),
 * getSecret (GET, latest or a version), listPropertiesOfSecretVersions (GET …/versions) and
 * updateSecretProperties (PATCH). Sign-in is challenge based: a request without a valid bearer
 * token is answered 401 with `WWW-Authenticate` naming the authority and the vault resource, as
 * the service does; the client then asks the token endpoint and sends the request again.
 */
export function keyVaultRoutes(ctx: SandboxContext): Route[] {
  const route = (method: Route['method'], path: string, handle: (req: SandboxRequest, m: RegExpMatchArray) => SandboxResponse): Route => ({
    kind: 'keyvault',
    method,
    path: new RegExp(path),
    handle: async (req, match) => {
      try {
        await authenticate(ctx, req);
        checkSecretName(match[1] ?? '');
        return handle(req, match);
      } catch (error) {
        if (error instanceof VaultError) return renderVaultError(ctx, error);
        throw error;
      }
    },
  });
  return [
    route('GET', `${PREFIX}/versions/?$`, (_req, m) => {
      const secret = findSecret(ctx, m[1] ?? '');
      if (!secret) throw new VaultError(404, 'SecretNotFound', `A secret with (name/id) ${m[1]} was not found in this key vault.`);
      return {
        status: 200,
        body: { value: secret.versions.map((v) => renderVersion(ctx, secret, v, { withValue: false })), nextLink: null },
      };
    }),
    route('PUT', `${PREFIX}/?$`, (req, m) => {
      const body = readBody(req);
      if (typeof body['value'] !== 'string') throw new VaultError(400, 'BadParameter', 'Property value is required.');
      const attributes = (body['attributes'] ?? {}) as { enabled?: boolean };
      const version = addVersion(ctx, m[1] ?? '', {
        value: body['value'],
        ...(typeof body['contentType'] === 'string' ? { contentType: body['contentType'] } : {}),
        ...(isTags(body['tags']) ? { tags: body['tags'] } : {}),
        ...(typeof attributes.enabled === 'boolean' ? { enabled: attributes.enabled } : {}),
      });
      const secret = findSecret(ctx, m[1] ?? '');
      return { status: 200, body: renderVersion(ctx, secret!, version, { withValue: true }) };
    }),
    route('GET', `${PREFIX}(?:/([^/]*))?$`, (_req, m) => {
      const { secret, version } = findVersion(ctx, m[1] ?? '', m[2] || undefined);
      if (version.enabled === false)
        throw new VaultError(403, 'Forbidden', 'Operation get is not allowed on a disabled secret.', 'SecretDisabled');
      return { status: 200, body: renderVersion(ctx, secret, version, { withValue: true }) };
    }),
    route('PATCH', `${PREFIX}/([^/]+)$`, (req, m) => {
      const { secret, version } = findVersion(ctx, m[1] ?? '', m[2]);
      const body = readBody(req);
      const attributes = (body['attributes'] ?? {}) as { enabled?: unknown };
      if (typeof attributes.enabled === 'boolean') version.enabled = attributes.enabled;
      if (typeof body['contentType'] === 'string') version.contentType = body['contentType'];
      if (isTags(body['tags'])) version.tags = body['tags'];
      version.updated = ctx.clock.now().toISOString();
      return { status: 200, body: renderVersion(ctx, secret, version, { withValue: false }) };
    }),
  ];
}

/** A valid vault token, or the 401 challenge that tells the client where to get one. */
async function authenticate(ctx: SandboxContext, req: SandboxRequest): Promise<void> {
  const header = req.headers.authorization;
  const claims = header?.startsWith('Bearer ') ? await ctx.verifyToken(header.slice(7), KEY_VAULT_RESOURCE) : undefined;
  if (claims && claims.tid === ctx.state.tenant.id) return;
  throw new VaultError(
    401,
    'Unauthorized',
    header ? 'AKV10032: Invalid issuer or token.' : 'AKV10000: Request is missing a Bearer or PoP token.',
  );
}

function readBody(req: SandboxRequest): Record<string, unknown> {
  try {
    const body = JSON.parse(req.body.toString('utf8')) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new VaultError(400, 'BadParameter', 'The request body is not a JSON object.');
}

function isTags(value: unknown): value is Record<string, string> {
  return !!value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

function renderVaultError(ctx: SandboxContext, error: VaultError): SandboxResponse {
  const headers: Record<string, string> = {};
  if (error.status === 401) {
    headers['www-authenticate'] = `Bearer authorization="${ctx.origin}/${ctx.state.tenant.id}", resource="${KEY_VAULT_RESOURCE}"`;
  }
  return {
    status: error.status,
    headers,
    body: { error: { code: error.code, message: error.message, ...(error.innerCode ? { innererror: { code: error.innerCode } } : {}) } },
  };
}
