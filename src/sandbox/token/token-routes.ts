import type { Route, SandboxContext, SandboxRequest, SandboxResponse } from '../context.ts';
import { AadstsFailure, aadsts, renderAadstsError } from './aadsts.ts';
import { issueAppToken } from './app-token.ts';
import { authenticateClient, readClientCredentials } from './client-auth.ts';
import { createDeviceCodeFlow } from './device-code.ts';
import type { TrustedIssuers } from './federated-assertion.ts';
import { createUserTokens } from './user-token.ts';
import { parseScope } from './resources.ts';
import type { SigningKey } from './signing-key.ts';
import { resolveTenant } from './tenant.ts';

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * `POST /{tenant}/oauth2/v2.0/token` and `/devicecode`, routed on the path only: MSAL puts
 * `?client-request-id=` on the URL and extra `x-client-*` fields in the form, all ignored here
 * (docs/token-endpoint.md#request, docs/sdk-behaviour.md#azureidentity-and-msal-node).
 */
export function tokenRoutes(ctx: SandboxContext, key: SigningKey, trusted?: TrustedIssuers): Route[] {
  const users = createUserTokens(ctx, key);
  const deviceCode = createDeviceCodeFlow(ctx, users);
  const answer = async (req: SandboxRequest, tenant: string, run: (form: URLSearchParams) => Promise<object>): Promise<SandboxResponse> => {
    try {
      resolveTenant(ctx.state, tenant, 'invalid_request');
      const body = await run(req.form());
      return { status: 200, headers: { 'cache-control': 'no-store, no-cache' }, body };
    } catch (error) {
      if (error instanceof AadstsFailure) return renderAadstsError(req, error.failure, ctx.clock.now(), req.url.origin);
      throw error;
    }
  };
  return [
    {
      kind: 'token',
      method: 'POST',
      path: /^\/([^/]+)\/oauth2\/v2\.0\/token$/,
      handle: (req, match) =>
        answer(req, match[1] ?? '', async (form) => {
          const grantType = form.get('grant_type');
          // MSAL sends the short 'device_code'; RFC 8628 names the URN form. Entra takes both.
          if (grantType === DEVICE_CODE_GRANT || grantType === 'device_code') return deviceCode.redeem(form, req.url.origin);
          if (grantType === 'refresh_token') return users.refresh(form, req.url.origin);
          if (grantType !== 'client_credentials') {
            throw aadsts(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType ?? ''}'.`);
          }
          const { clientId, secret } = readClientCredentials(req, form);
          if (!clientId)
            throw aadsts(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
          const scope = parseScope(form.get('scope'), { defaultOnly: true });
          const client = await authenticateClient(ctx, req, form, clientId, secret, trusted);
          return issueAppToken(ctx, client, scope.resource);
        }),
    },
    {
      kind: 'token',
      method: 'POST',
      path: /^\/([^/]+)\/oauth2\/v2\.0\/devicecode$/,
      handle: (req, match) => answer(req, match[1] ?? '', async (form) => deviceCode.start(form, req.url.origin)),
    },
  ];
}
