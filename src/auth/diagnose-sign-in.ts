import { isMicrosoftAuthorityHost } from '../core/cloud.ts';
import { AuthError, type EntraMailError, ServiceError } from '../core/errors.ts';
import { classifyNetworkFailure, describeNetworkFailure } from '../core/network-failure.ts';

/**
 * Why an admin sign-in failed, told apart (docs/diagnostics.md "Sign-in failures"): MSAL reports a
 * wrong tenant, an untrusted certificate and an endpoint that cannot be reached alike
 * (`endpoints_resolution_error`), after its HTTP client has retried for seconds. The tenant's
 * OpenID metadata document — the first thing MSAL reads, `{authority}/{tenant}/v2.0/.well-known/openid-configuration`
 * (https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc) — asked once, at the same
 * time, tells them apart at once: a TLS or connection error, or Entra's AADSTS90002 for an unknown tenant.
 */
export async function probeAuthority(
  authorityHost: string,
  tenant: string,
  options: {
    signal?: AbortSignal;
    trail?: (line: string) => void;
    whenConnected?: () => void;
    /** The proxy requests go through (src/core/proxy.ts describeProxy), for the message. */
    proxy?: string;
  } = {},
): Promise<EntraMailError | undefined> {
  const url = `${authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`;
  const host = new URL(url).host;
  const { sendHttp } = await import('../graph/http.ts');
  let response: Awaited<ReturnType<typeof sendHttp>>;
  try {
    response = await sendHttp({
      url,
      method: 'GET',
      signal: options.signal ?? AbortSignal.timeout(30_000),
      // Off Microsoft's hosts MSAL asks for the same document: it gets this answer (src/graph/http.ts).
      shareWithSdk: !isMicrosoftAuthorityHost(authorityHost),
      ...(options.whenConnected ? { whenConnected: options.whenConnected } : {}),
    });
  } catch (error) {
    const failure = classifyNetworkFailure(error);
    if (!failure) return undefined;
    options.trail?.(`GET ${url} → ${failure.code}`);
    const { message, suggestion } = describeNetworkFailure(failure, host, options.proxy);
    return new ServiceError(`Cannot reach the sign-in endpoint: ${message}.`, {
      step: 'sign-in',
      object: host,
      code: failure.code,
      suggestion,
    });
  }
  options.trail?.(`GET ${url} → ${response.status}${requestIdOf(response)}`);
  if (response.ok) return undefined;
  const body = (await response.json().catch(() => ({}))) as { error?: string; error_codes?: number[] };
  if (body.error === 'invalid_tenant' || body.error_codes?.includes(90002)) return tenantNotFound(tenant, host);
  return undefined;
}

function tenantNotFound(tenant: string, host: string): AuthError {
  return new AuthError(`Tenant '${tenant}' was not found at ${host} (AADSTS90002).`, {
    step: 'sign-in',
    object: `tenant ${tenant}`,
    code: 'AADSTS90002',
    suggestion:
      'Check --tenant (or AZURE_TENANT_ID): the tenant id (a GUID) or one of its verified domains, e.g. contoso.onmicrosoft.com; a tenant in a national cloud also needs --cloud.',
  });
}

/** The AADSTS number of an @azure/identity / MSAL error, from its message or its parsed error response. */
export function readAadsts(error: unknown): number | undefined {
  const texts = [String((error as Error)?.message ?? '')];
  const response = (error as { errorResponse?: { errorDescription?: string } } | undefined)?.errorResponse;
  if (response?.errorDescription) texts.push(response.errorDescription);
  for (const text of texts) {
    const match = /AADSTS(\d+)/.exec(text);
    if (match?.[1]) return Number(match[1]);
  }
  return undefined;
}

/** What an AADSTS answer to the admin's own sign-in means, and its fix; undefined when the code is not one of these. */
export function explainAdminAadsts(
  code: number,
  context: { tenant: string; mode: string },
): { message: string; suggestion: string } | undefined {
  const env = context.mode === 'env';
  switch (code) {
    case 90002:
      return {
        message: `Tenant '${context.tenant}' was not found (AADSTS90002).`,
        suggestion: 'Check --tenant (or AZURE_TENANT_ID) and --cloud.',
      };
    case 7000215:
      return {
        message: "The admin app's client secret was refused (AADSTS7000215).",
        suggestion: env
          ? "AZURE_CLIENT_SECRET must hold the secret's Value, not its Secret ID (a GUID); a secret created in the last minute may still be replicating: wait a minute and retry."
          : 'Sign in again.',
      };
    case 7000222:
      return {
        message: "The admin app's client secret has expired (AADSTS7000222).",
        suggestion: 'Create a new client secret for the admin app and put it in AZURE_CLIENT_SECRET.',
      };
    case 700016:
      return {
        message: `The admin app was not found in tenant ${context.tenant} (AADSTS700016).`,
        suggestion: env
          ? 'Check AZURE_CLIENT_ID and --tenant: the app must be registered in (or consented to by) that tenant.'
          : 'Check --tenant.',
      };
    case 7000229:
      return {
        message: `The admin app has no service principal in tenant ${context.tenant} (AADSTS7000229).`,
        suggestion:
          'An administrator of that tenant grants the app admin consent, which creates it: https://learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent',
      };
    case 70025:
    case 70021:
    case 700211:
    case 700212:
    case 700213:
      return explainFederated(code);
    case 700024:
      return {
        message: 'The client assertion is not within its valid time range (AADSTS700024).',
        suggestion:
          context.mode === 'workload-identity'
            ? 'The token in AZURE_FEDERATED_TOKEN_FILE has expired: the platform must write a fresh one (GitHub OIDC tokens live minutes, Kubernetes rotates projected tokens).'
            : "Check this machine's clock.",
      };
    case 53003:
      return {
        message: 'Conditional Access blocked the sign-in (AADSTS53003).',
        suggestion: "Ask the tenant's identity admin which policy applies; sign-in logs in the Entra admin center show it.",
      };
    default:
      return undefined;
  }
}

/** The federated token's issuer, subject or audience matches no federated identity credential (docs/sign-in.md#workload-identity-federation). */
function explainFederated(code: number): { message: string; suggestion: string } {
  const what: Record<number, string> = {
    70025: 'the admin app has no federated identity credential',
    70021: 'no federated identity credential matches the token yet (one added in the last minutes may still be replicating)',
    700211: "no federated identity credential names the token's issuer",
    700212: "no federated identity credential names the token's audience",
    700213: "no federated identity credential names the token's subject",
  };
  return {
    message: `Entra refused the federated token: ${what[code]} (AADSTS${code}).`,
    suggestion:
      "Compare the token's iss, sub and aud (decode AZURE_FEDERATED_TOKEN_FILE) with the app's federated credentials: all three must match exactly, and the audience is api://AzureADTokenExchange.",
  };
}

function requestIdOf(response: { headers: { get(name: string): string | null } }): string {
  const id = response.headers.get('x-ms-request-id') ?? response.headers.get('request-id');
  return id ? ` (request-id ${id})` : '';
}
