import { createHash, randomBytes } from 'node:crypto';
import { DIRECTORY_ROLES } from '../../core/well-known.ts';
import type { SandboxContext } from '../context.ts';
import { aadsts } from './aadsts.ts';
import { findResourceServicePrincipal, TOKEN_LIFETIME_SECONDS } from './app-token.ts';
import { parseScope, type RequestedScope } from './resources.ts';
import { signAccessToken, type SigningKey } from './signing-key.ts';

/**
 * First-party public clients Entra knows in every tenant (Azure CLI, Azure PowerShell, Microsoft
 * Graph Command Line Tools): @azure/identity's DeviceCodeCredential defaults to the first.
 */
const FIRST_PARTY_PUBLIC_CLIENTS = new Set([
  '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
  '1950a258-227b-4e31-a9cf-717495945fc2',
  '14d82eec-204b-4c2f-b7e8-296a70dab67e',
]);

/** What a `.default` user token for the admin carries on each resource. */
const ADMIN_SCOPES: Record<string, string> = {
  'https://graph.microsoft.com':
    'Application.ReadWrite.All AppRoleAssignment.ReadWrite.All DelegatedPermissionGrant.ReadWrite.All Directory.Read.All Organization.Read.All User.Read',
};

/** The sandbox's Global Administrator: a stable object id derived from the tenant id. */
export function sandboxAdminUser(tenantId: string, domain: string): { id: string; userPrincipalName: string } {
  const hex = createHash('sha256').update(`admin:${tenantId}`).digest('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return { id, userPrincipalName: `admin@${domain}` };
}

export interface DeviceCodeFlow {
  start(form: URLSearchParams): Promise<object>;
  redeem(form: URLSearchParams): Promise<object>;
}

/**
 * Device code flow for MSAL's DeviceCodeCredential, auto-approved on the first poll as
 * `admin@<tenant domain>` (there is no browser in the sandbox).
 */
export function createDeviceCodeFlow(ctx: SandboxContext, key: SigningKey): DeviceCodeFlow {
  const pending = new Map<string, { clientId: string; scope: RequestedScope; expiresAt: number }>();
  return {
    async start(form) {
      const clientId = form.get('client_id') ?? '';
      const known =
        FIRST_PARTY_PUBLIC_CLIENTS.has(clientId) || ctx.state.applications.some((a) => a.appId === clientId && ctx.isReplicated(a.id));
      if (!known)
        throw aadsts(
          400,
          'unauthorized_client',
          700016,
          `Application with identifier '${clientId}' was not found in the directory '${ctx.state.tenant.displayName}'.`,
        );
      const scope = parseScope(form.get('scope'), { defaultOnly: false });
      const deviceCode = randomBytes(32).toString('base64url');
      const userCode = randomBytes(5).toString('hex').toUpperCase().slice(0, 9);
      pending.set(deviceCode, { clientId, scope, expiresAt: ctx.clock.nowMs() + 900_000 });
      const verificationUri = `${ctx.origin}/devicelogin`;
      return {
        user_code: userCode,
        device_code: deviceCode,
        verification_uri: verificationUri,
        expires_in: 900,
        interval: 1,
        message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
      };
    },
    async redeem(form) {
      const entry = pending.get(form.get('device_code') ?? '');
      if (!entry || entry.clientId !== form.get('client_id') || entry.expiresAt <= ctx.clock.nowMs()) {
        throw aadsts(400, 'invalid_grant', 70000, 'The provided device code is invalid or has expired.');
      }
      pending.delete(form.get('device_code') ?? '');
      return issueUserToken(ctx, key, entry.clientId, entry.scope);
    },
  };
}

async function issueUserToken(ctx: SandboxContext, key: SigningKey, clientId: string, scope: RequestedScope): Promise<object> {
  findResourceServicePrincipal(ctx, scope.resource);
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
      iss: `${ctx.origin}/${tenantId}/v2.0`,
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
    refresh_token: randomBytes(48).toString('base64url'),
    id_token: idToken,
    client_info: Buffer.from(JSON.stringify({ uid: user.id, utid: tenantId })).toString('base64url'),
  };
}
