import type { SandboxContext } from '../context.ts';
import type { SandboxServicePrincipal } from '../state.ts';
import { aadsts } from './aadsts.ts';
import type { AuthenticatedClient } from './client-auth.ts';
import { KEY_VAULT_APP_ID, type TokenResource } from './resources.ts';

/** What a successful token request answers (docs/token-endpoint.md#response). */
export interface TokenGrant {
  token_type: 'Bearer';
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
}

export const TOKEN_LIFETIME_SECONDS = 3600;

/**
 * The resource's service principal in this tenant; a missing one is AADSTS500011 (docs/token-endpoint.md#aadsts-codes).
 * Key Vault has none in the sandbox: its tokens simply carry no roles.
 */
export function findResourceServicePrincipal(ctx: SandboxContext, resource: TokenResource): SandboxServicePrincipal | undefined {
  const sp = ctx.state.servicePrincipals.find((s) => s.appId === resource.appId);
  if (!sp && resource.appId !== KEY_VAULT_APP_ID) {
    throw aadsts(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource.audience} was not found in the tenant named ${ctx.state.tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }
  return sp;
}

/**
 * `roles` = values of the client's replicated app role assignments on THAT resource's service
 * principal; absent when none (docs/token-endpoint.md#claims-the-tool-looks-at). Fixed at issuance: a later grant is
 * invisible until a new token is minted (docs/graph-service-principals-and-consent.md#admin-consent-app-role-assignments).
 */
export function rolesFor(ctx: SandboxContext, principalId: string, resourceSp: SandboxServicePrincipal | undefined): string[] {
  if (!resourceSp) return [];
  const values = ctx.state.appRoleAssignments
    .filter((a) => a.principalId === principalId && a.resourceId === resourceSp.id && ctx.isReplicated(a.id))
    .map((a) => resourceSp.appRoles.find((r) => r.id === a.appRoleId)?.value)
    .filter((v): v is string => typeof v === 'string');
  return [...new Set(values)].sort();
}

/** Issues a v1-style app token (docs/token-endpoint.md#claims-the-tool-looks-at): aud, sts issuer, tid, appid, oid = sub = the client's SP. */
export async function issueAppToken(ctx: SandboxContext, client: AuthenticatedClient, resource: TokenResource): Promise<TokenGrant> {
  const resourceSp = findResourceServicePrincipal(ctx, resource);
  const roles = rolesFor(ctx, client.servicePrincipal.id, resourceSp);
  // Directory roles held by the service principal travel as `wids`, as in a user's token.
  const wids = ctx.state.directoryRoleAssignments.filter((r) => r.principalId === client.servicePrincipal.id).map((r) => r.roleTemplateId);
  const accessToken = await ctx.signToken({
    aud: resource.audience,
    tid: ctx.state.tenant.id,
    appid: client.application.appId,
    app_displayname: client.application.displayName,
    oid: client.servicePrincipal.id,
    sub: client.servicePrincipal.id,
    idtyp: 'app',
    appidacr: client.appidacr,
    ...(roles.length > 0 ? { roles } : {}),
    ...(wids.length > 0 ? { wids } : {}),
    lifetimeSeconds: TOKEN_LIFETIME_SECONDS,
  });
  return {
    token_type: 'Bearer',
    expires_in: TOKEN_LIFETIME_SECONDS - 1,
    ext_expires_in: TOKEN_LIFETIME_SECONDS - 1,
    access_token: accessToken,
  };
}
