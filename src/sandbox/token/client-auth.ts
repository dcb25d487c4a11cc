import { createHash, timingSafeEqual } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { SandboxContext, SandboxRequest } from '../context.ts';
import type { SandboxApplication, SandboxServicePrincipal } from '../state.ts';
import { aadsts } from './aadsts.ts';
import { verifyCertificateAssertion } from './certificate-assertion.ts';
import { findForeignApplication } from '../graph/multi-tenant-apps.ts';
import { checkFederatedAssertion, type TrustedIssuers } from './federated-assertion.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The confidential client that proved its identity, and how (`appidacr`). */
export interface AuthenticatedClient {
  application: SandboxApplication;
  servicePrincipal: SandboxServicePrincipal;
  appidacr: '1' | '2';
}

/** client_id and secret from the form, or from HTTP Basic auth (docs/token-endpoint.md#request). */
export function readClientCredentials(req: SandboxRequest, form: URLSearchParams): { clientId?: string; secret?: string } {
  const header = req.headers.authorization;
  if (header?.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      return { clientId: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
    }
  }
  return { clientId: form.get('client_id') ?? undefined, secret: form.get('client_secret') ?? undefined };
}

/**
 * Finds the app (AADSTS700016 when it, or its service principal, is absent or unreplicated).
 * An app without a service principal in the tenant gets no token either. A multi-tenant app's
 * object, with its credentials, stays in its home tenant; other tenants hold only its service
 * principal (docs/sign-in.md#one-admin-app-for-many-tenants).
 */
export function findClient(
  ctx: SandboxContext,
  clientId: string,
): { application: SandboxApplication; servicePrincipal: SandboxServicePrincipal } {
  const servicePrincipal = ctx.state.servicePrincipals.find((sp) => sp.appId === clientId && ctx.isReplicated(sp.id));
  const local = ctx.state.applications.find((a) => a.appId === clientId && ctx.isReplicated(a.id));
  const application = local ?? findForeignApplication(ctx, clientId)?.application;
  if (application && !local && !servicePrincipal) {
    // A multi-tenant app nobody here has consented to (docs/sign-in.md#one-admin-app-for-many-tenants).
    throw aadsts(
      401,
      'invalid_client',
      7000229,
      `The client application ${clientId} is missing service principal in the tenant ${ctx.state.tenant.id}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119`,
    );
  }
  if (!application || !servicePrincipal) {
    throw aadsts(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${ctx.state.tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  return { application, servicePrincipal };
}

/**
 * Authenticates a client-credentials request by secret, certificate assertion or another identity
 * provider's token (docs/token-endpoint.md#aadsts-codes, docs/sign-in.md#workload-identity-federation).
 * A secret whose keyId has not replicated yet fails exactly like a wrong one (AADSTS7000215),
 * which is what Entra does in the first minute after addPassword (docs/graph-errors-and-consistency.md#eventual-consistency).
 */
export async function authenticateClient(
  ctx: SandboxContext,
  req: SandboxRequest,
  form: URLSearchParams,
  clientId: string,
  secret: string | undefined,
  trusted?: TrustedIssuers,
): Promise<AuthenticatedClient> {
  const { application, servicePrincipal } = findClient(ctx, clientId);
  const assertion = form.get('client_assertion');
  if (secret) return { application, servicePrincipal, appidacr: checkSecret(ctx, application, secret) };
  if (assertion && form.get('client_assertion_type') === JWT_BEARER) {
    // The app signs its own assertion (iss = its client id); any other issuer's is a federated token.
    if (trusted && issuerOf(assertion) !== application.appId) await checkFederatedAssertion(ctx, application, assertion, trusted);
    else await checkAssertion(ctx, req, application, assertion);
    return { application, servicePrincipal, appidacr: '2' };
  }
  throw aadsts(
    401,
    'invalid_client',
    7000218,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  );
}

function issuerOf(assertion: string): unknown {
  try {
    return decodeJwt(assertion).iss;
  } catch {
    return undefined;
  }
}

function checkSecret(ctx: SandboxContext, application: SandboxApplication, secret: string): '1' {
  const hash = createHash('sha256').update(secret).digest();
  const credential = application.passwordCredentials.find((c) => timingSafeEqual(Buffer.from(c.secretSha256, 'hex'), hash));
  const now = ctx.clock.nowMs();
  if (credential && ctx.isReplicated(credential.keyId) && Date.parse(credential.startDateTime) <= now) {
    if (Date.parse(credential.endDateTime) <= now) {
      throw aadsts(
        401,
        'invalid_client',
        7000222,
        `The provided client secret keys for app '${application.appId}' are expired. Create new keys for your app, or consider using certificate credentials for added security.`,
      );
    }
    return '1';
  }
  throw aadsts(
    401,
    'invalid_client',
    7000215,
    `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${application.appId}'.`,
  );
}

async function checkAssertion(ctx: SandboxContext, req: SandboxRequest, application: SandboxApplication, assertion: string): Promise<void> {
  const tenantSegment = req.path.split('/')[1] ?? '';
  const origins = [...new Set([req.url.origin, ctx.origin])];
  const audiences = origins.flatMap((o) => [
    `${o}/${tenantSegment}/oauth2/v2.0/token`,
    `${o}/${ctx.state.tenant.id}/oauth2/v2.0/token`,
    `${o}/${tenantSegment}/v2.0`,
  ]);
  const check = await verifyCertificateAssertion(assertion, application.keyCredentials, {
    now: ctx.clock.now(),
    audiences,
    issuer: application.appId,
    subject: true,
    isReplicated: (keyId) => ctx.isReplicated(keyId),
  });
  if (check.ok) return;
  if (check.reason === 'expired') throw aadsts(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
  const detail: Record<typeof check.reason, string> = {
    malformed: 'Client assertion is malformed.',
    'unknown-key': `Client assertion failed signature validation. Key was not found for application '${application.appId}'.`,
    'expired-key': `The certificate used to sign the client assertion is expired on application '${application.appId}'.`,
    signature: 'Client assertion failed signature validation.',
    audience: 'Client assertion contains an invalid audience.',
    claims: 'Client assertion issuer and subject must equal the client id.',
  };
  throw aadsts(401, 'invalid_client', 700027, detail[check.reason]);
}
