import { createHash, randomBytes } from 'node:crypto';
import { DIRECTORY_ROLES } from '../../core/well-known.ts';
import type { SandboxContext } from '../context.ts';
import { aadsts } from './aadsts.ts';
import { findResourceServicePrincipal, TOKEN_LIFETIME_SECONDS } from './app-token.ts';
import { parseScope, type RequestedScope } from './resources.ts';
import { signAccessToken, type SigningKey } from './signing-key.ts';

/** What a `.default` user token for the admin carries on each resource. */
const ADMIN_SCOPES: Record<string, string> = {
  'https://graph.microsoft.com':
    'Application.ReadWrite.All AppRoleAssignment.ReadWrite.All DelegatedPermissionGrant.ReadWrite.All Directory.Read.All Organization.Read.All User.Read',
};

/** Refresh tokens stay valid for 90 days of inactivity (docs/sandbox-fidelity.md#token-endpoint). */
const REFRESH_LIFETIME_MS = 90 * 24 * 3600_000;

/** The sandbox's Global Administrator: a stable object id derived from the tenant id. */
export function sandboxAdminUser(tenantId: string, domain: string): { id: string; userPrincipalName: string } {
  const hex = createHash('sha256').update(`admin:${tenantId}`).digest('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return { id, userPrincipalName: `admin@${domain}` };
}

export interface UserTokens {
  /** Tokens for the signed-in admin: access, id and a refresh token MSAL can redeem later. */
  issue(request: { clientId: string; scope: RequestedScope; origin: string }): Promise<object>;
  /** `grant_type=refresh_token`: a new access token (any resource) and a new refresh token. */
  refresh(form: URLSearchParams, origin: string): Promise<object>;
}

/**
 * User tokens of the sandbox admin. Refresh tokens are kept in memory (a restarted sandbox
 * forgets them, like a revoked session): one is redeemable by the client it was issued to, for
 * any resource, until 90 days after it was issued (AADSTS70008 after that; an unknown one is
 * AADSTS9002313), so a client needs one sign-in, not one per command.
 */
export function createUserTokens(ctx: SandboxContext, key: SigningKey): UserTokens {
  const refreshTokens = new Map<string, { clientId: string; expiresAt: number }>();
  const tokens: UserTokens = {
    async issue({ clientId, scope, origin }) {
      findResourceServicePrincipal(ctx, scope.resource);
      const refreshToken = randomBytes(48).toString('base64url');
      refreshTokens.set(refreshToken, { clientId, expiresAt: ctx.clock.nowMs() + REFRESH_LIFETIME_MS });
      return { ...(await signUserTokens(ctx, key, clientId, scope, origin)), refresh_token: refreshToken };
    },
    async refresh(form, origin) {
      const presented = form.get('refresh_token') ?? '';
      const entry = refreshTokens.get(presented);
      if (!entry) throw aadsts(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
      if (entry.expiresAt <= ctx.clock.nowMs()) {
        refreshTokens.delete(presented);
        throw aadsts(
          400,
          'invalid_grant',
          70008,
          'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
        );
      }
      if (entry.clientId !== form.get('client_id')) {
        throw aadsts(400, 'invalid_grant', 70000, 'Provided grant is invalid or malformed.');
      }
      return tokens.issue({ clientId: entry.clientId, scope: parseScope(form.get('scope'), { defaultOnly: false }), origin });
    },
  };
  return tokens;
}

async function signUserTokens(
  ctx: SandboxContext,
  key: SigningKey,
  clientId: string,
  scope: RequestedScope,
  origin: string,
): Promise<Record<string, unknown>> {
  const tenantId = ctx.state.tenant.id;
  const domain = ctx.state.tenant.domains[0] ?? 'contoso.onmicrosoft.com';
  const user = sandboxAdminUser(tenantId, domain);
  const scp = scope.permissions.includes('.default')
    ? (ADMIN_SCOPES[scope.resource.audience] ?? 'user_impersonation')
    : scope.permissions.join(' ');
  const accessToken = await ctx.signToken({
    aud: scope.resource.audience,
    tid: tenantId,
    appid: clientId,
    appidacr: '0',
    oid: user.id,
    sub: user.id,
    upn: user.userPrincipalName,
    unique_name: user.userPrincipalName,
    name: 'Sandbox Administrator',
    idtyp: 'user',
    scp,
    wids: [DIRECTORY_ROLES['Global Administrator']],
    lifetimeSeconds: TOKEN_LIFETIME_SECONDS,
  } as Parameters<SandboxContext['signToken']>[0]);
  // MSAL builds its account from id_token + client_info (uid.utid).
  const idToken = await signAccessToken(
    key,
    {
      aud: clientId,
      iss: `${origin}/${tenantId}/v2.0`,
      tid: tenantId,
      oid: user.id,
      sub: user.id,
      preferred_username: user.userPrincipalName,
      name: 'Sandbox Administrator',
      ver: '2.0',
    },
    ctx.clock.nowMs(),
    TOKEN_LIFETIME_SECONDS,
  );
  const resourceScopes = scp.split(' ').map((s) => `${scope.resource.audience}/${s}`);
  return {
    token_type: 'Bearer',
    scope: [...resourceScopes, 'openid', 'profile', 'offline_access'].join(' '),
    expires_in: TOKEN_LIFETIME_SECONDS - 1,
    ext_expires_in: TOKEN_LIFETIME_SECONDS - 1,
    access_token: accessToken,
    id_token: idToken,
    client_info: Buffer.from(JSON.stringify({ uid: user.id, utid: tenantId })).toString('base64url'),
  };
}
