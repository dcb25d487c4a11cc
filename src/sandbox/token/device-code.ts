import { randomBytes } from 'node:crypto';
import type { SandboxContext } from '../context.ts';
import { aadsts } from './aadsts.ts';
import { parseScope, type RequestedScope } from './resources.ts';
import type { UserTokens } from './user-token.ts';

/**
 * First-party public clients Entra knows in every tenant (Azure CLI, Azure PowerShell, Microsoft
 * Graph Command Line Tools): @azure/identity's DeviceCodeCredential defaults to the first.
 */
const FIRST_PARTY_PUBLIC_CLIENTS = new Set([
  '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
  '1950a258-227b-4e31-a9cf-717495945fc2',
  '14d82eec-204b-4c2f-b7e8-296a70dab67e',
]);

export interface DeviceCodeFlow {
  /** `origin`: the sign-in origin the client used (Microsoft's through the proxy). */
  start(form: URLSearchParams, origin: string): Promise<object>;
  redeem(form: URLSearchParams, origin: string): Promise<object>;
}

/**
 * Device code flow for MSAL's DeviceCodeCredential (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code):
 * the first poll is `authorization_pending`, the next is approved as `admin@<tenant domain>`
 * (there is no browser in the sandbox); an unknown code is `bad_verification_code`, an expired
 * one `expired_token`.
 */
export function createDeviceCodeFlow(ctx: SandboxContext, users: UserTokens): DeviceCodeFlow {
  const pending = new Map<string, { clientId: string; scope: RequestedScope; expiresAt: number; polled: boolean }>();
  return {
    async start(form, origin) {
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
      pending.set(deviceCode, { clientId, scope, expiresAt: ctx.clock.nowMs() + 900_000, polled: false });
      const verificationUri = `${origin}/devicelogin`;
      return {
        user_code: userCode,
        device_code: deviceCode,
        verification_uri: verificationUri,
        expires_in: 900,
        interval: 1,
        message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
      };
    },
    async redeem(form, origin) {
      const code = form.get('device_code') ?? '';
      const entry = pending.get(code);
      if (!entry || entry.clientId !== form.get('client_id')) {
        throw aadsts(400, 'bad_verification_code', 70018, 'The provided device code was not recognized.');
      }
      if (entry.expiresAt <= ctx.clock.nowMs()) {
        pending.delete(code);
        throw aadsts(400, 'expired_token', 70019, 'Verification code expired.');
      }
      // The user signs in between two polls: the first poll is told to keep waiting.
      if (!entry.polled) {
        entry.polled = true;
        throw aadsts(400, 'authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.');
      }
      pending.delete(code);
      return users.issue({ clientId: entry.clientId, scope: entry.scope, origin });
    },
  };
}
