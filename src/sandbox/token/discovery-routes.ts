import type { Route, SandboxContext } from '../context.ts';
import { AadstsFailure, renderAadstsError } from './aadsts.ts';
import type { SigningKey } from './signing-key.ts';
import { resolveTenant } from './tenant.ts';

/**
 * OpenID discovery and JWKS. MSAL fetches the configuration for any non-Microsoft authority and
 * validates that `issuer` is on the authority's own origin (docs/sdk-behaviour.md#azureidentity-and-msal-node), so every URL here is
 * built from the sandbox origin and the tenant segment the client used.
 */
export function discoveryRoutes(ctx: SandboxContext, key: SigningKey): Route[] {
  return [
    {
      kind: 'token',
      method: 'GET',
      path: /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/,
      handle: (req, match) => {
        const tenant = match[1] ?? '';
        try {
          resolveTenant(ctx.state, tenant, 'invalid_tenant');
        } catch (error) {
          if (error instanceof AadstsFailure) return renderAadstsError(req, error.failure, ctx.clock.now(), ctx.origin);
          throw error;
        }
        const base = `${ctx.origin}/${tenant}`;
        return {
          status: 200,
          body: {
            token_endpoint: `${base}/oauth2/v2.0/token`,
            token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
            jwks_uri: `${ctx.origin}/${ctx.state.tenant.id}/discovery/v2.0/keys`,
            response_modes_supported: ['query', 'fragment', 'form_post'],
            subject_types_supported: ['pairwise'],
            id_token_signing_alg_values_supported: ['RS256'],
            response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
            scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
            issuer: `${ctx.origin}/${ctx.state.tenant.id}/v2.0`,
            authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
            device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
            end_session_endpoint: `${base}/oauth2/v2.0/logout`,
            tenant_region_scope: 'EU',
            cloud_instance_name: 'sandbox',
          },
        };
      },
    },
    {
      kind: 'token',
      method: 'GET',
      path: /^\/([^/]+)\/discovery\/v2\.0\/keys$/,
      handle: () => ({ status: 200, body: { keys: [key.jwk] } }),
    },
  ];
}
