import { readFile } from 'node:fs/promises';
import type { TokenCredential } from '@azure/identity';
import { isMicrosoftAuthorityHost } from '../core/cloud.ts';
import { UsageError } from '../core/errors.ts';
import type { AdminSignIn } from '../core/sign-in.ts';

/**
 * The admin's credential through @azure/identity. `env` follows EnvironmentCredential's
 * variables but reads them from the injected environment, so tests and runbooks behave alike.
 * Off Microsoft's hosts (the sandbox) instance discovery must be off (docs/sdk-behaviour.md#azureidentity-and-msal-node).
 */
export async function createAdminCredential(signIn: AdminSignIn): Promise<TokenCredential> {
  const checked = await checkAdminSignIn(signIn);
  const identity = await import('@azure/identity');
  const { sharedHttpClient } = await import('../graph/http.ts');
  const common = {
    authorityHost: signIn.authorityHost,
    // One HTTP stack with Graph: one TLS connection per host for the whole run (src/graph/http.ts).
    httpClient: sharedHttpClient(signIn.ended),
    disableInstanceDiscovery: !isMicrosoftAuthorityHost(signIn.authorityHost),
    ...(signIn.trail ? { additionalPolicies: [{ policy: trailPolicy(signIn.trail), position: 'perRetry' as const }] } : {}),
  };
  switch (signIn.mode) {
    case 'env': {
      const clientId = signIn.env.AZURE_CLIENT_ID as string;
      const secret = signIn.env.AZURE_CLIENT_SECRET;
      if (secret) return new identity.ClientSecretCredential(signIn.tenant, clientId, secret, common);
      return new identity.ClientCertificateCredential(signIn.tenant, clientId, { certificate: checked.certificatePem as string }, common);
    }
    case 'browser':
      return new identity.InteractiveBrowserCredential({
        ...common,
        ...(await remembered(signIn)),
        tenantId: signIn.tenant,
        clientId: signIn.clientId,
      });
    case 'device-code':
      return new identity.DeviceCodeCredential({
        ...common,
        ...(await remembered(signIn)),
        tenantId: signIn.tenant,
        clientId: signIn.clientId,
        userPromptCallback: (info) => signIn.prompt(info.message),
      });
    case 'azure-cli':
      return new identity.AzureCliCredential({ tenantId: signIn.tenant });
    case 'workload-identity':
      return new identity.WorkloadIdentityCredential({
        ...common,
        tenantId: signIn.tenant,
        clientId: signIn.env.AZURE_CLIENT_ID as string,
        tokenFilePath: signIn.env.AZURE_FEDERATED_TOKEN_FILE as string,
      });
    case 'managed-identity':
      return signIn.env.AZURE_CLIENT_ID
        ? new identity.ManagedIdentityCredential({ clientId: signIn.env.AZURE_CLIENT_ID })
        : new identity.ManagedIdentityCredential();
  }
}

/**
 * What a sign-in needs from the environment and the disk, checked before anything is sent (exit 2):
 * the sign-in starts its first request (src/commands/shared/admin-sign-in.ts) while @azure/identity
 * loads, so a missing variable or an unreadable file must be found first. Loads no SDK.
 */
export async function checkAdminSignIn(signIn: AdminSignIn): Promise<{ certificatePem?: string }> {
  if (signIn.mode === 'workload-identity') {
    await checkWorkloadIdentity(signIn);
    return {};
  }
  if (signIn.mode !== 'env') return {};
  const clientId = signIn.env.AZURE_CLIENT_ID;
  const secret = signIn.env.AZURE_CLIENT_SECRET;
  const certPath = signIn.env.AZURE_CLIENT_CERTIFICATE_PATH;
  if (!clientId || (!secret && !certPath)) {
    throw new UsageError(
      '--auth env needs AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH) in the environment.',
      {
        flag: '--auth',
        suggestion: 'Export them, or use --auth device-code / browser / azure-cli for an interactive sign-in.',
      },
    );
  }
  if (secret) return {};
  const certificatePem = await readFile(certPath as string, 'utf8').catch(() => {
    throw new UsageError(`AZURE_CLIENT_CERTIFICATE_PATH: cannot read the certificate file.`, { flag: '--auth' });
  });
  return { certificatePem };
}

/**
 * Workload identity federation (docs/sign-in.md#workload-identity-federation): the app's client id
 * and a token another identity provider wrote to a file (GitHub Actions' OIDC token, a Kubernetes
 * projected service-account token), exchanged for an Entra token by @azure/identity's
 * WorkloadIdentityCredential, which reads the file again whenever it needs a new token. The file is
 * checked here so a wrong path is exit 2, before anything is sent.
 */
async function checkWorkloadIdentity(signIn: AdminSignIn): Promise<void> {
  const clientId = signIn.env.AZURE_CLIENT_ID;
  const tokenFilePath = signIn.env.AZURE_FEDERATED_TOKEN_FILE;
  if (!clientId || !tokenFilePath) {
    throw new UsageError('--auth workload-identity needs AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE in the environment.', {
      flag: '--auth',
      suggestion:
        "Kubernetes with Azure workload identity sets both; in GitHub Actions, save the job's OIDC token (audience api://AzureADTokenExchange) to a file and name it.",
    });
  }
  const text = await readFile(tokenFilePath, 'utf8').catch(() => undefined);
  if (text === undefined || text.trim() === '') {
    throw new UsageError(`AZURE_FEDERATED_TOKEN_FILE: cannot read a token from '${tokenFilePath}'.`, { flag: '--auth' });
  }
}

/**
 * --verbose: each HTTP exchange of the sign-in, as method, URL, status and Entra's request id.
 * A pipeline policy sees the request before the body is sent and the response after; it never
 * reads either body (they carry secrets and tokens).
 */
function trailPolicy(trail: (line: string) => void) {
  return {
    name: 'entra-mail-trail',
    async sendRequest<
      Req extends { method: string; url: string },
      Res extends { status: number; headers: { get(name: string): string | undefined } },
    >(request: Req, next: (request: Req) => Promise<Res>): Promise<Res> {
      const url = request.url.split('?')[0];
      try {
        const response = await next(request);
        const id = response.headers.get('x-ms-request-id') ?? response.headers.get('request-id');
        trail(`${request.method} ${url} → ${response.status}${id ? ` (request-id ${id})` : ''}`);
        return response;
      } catch (error) {
        const { code, name } = error as { code?: string; name?: string };
        trail(`${request.method} ${url} → ${code ?? (name === 'AbortError' ? 'stopped: the command has ended' : 'failed')}`);
        throw error;
      }
    },
  };
}

/** The persistent token cache and the remembered account, for the interactive credentials. */
async function remembered(signIn: AdminSignIn): Promise<Record<string, unknown>> {
  if (!signIn.tokenCache) return {};
  const { registerFileTokenCache } = await import('./token-cache.ts');
  await registerFileTokenCache();
  const identity = await import('@azure/identity');
  return {
    // No `name`: @azure/identity then names the two caches msal.cache.nocae and msal.cache.cae (in our own directory).
    tokenCachePersistenceOptions: {
      enabled: true,
      unsafeAllowUnencryptedStorage: true,
      directory: signIn.tokenCache.directory,
    },
    ...(signIn.tokenCache.record ? { authenticationRecord: identity.deserializeAuthenticationRecord(signIn.tokenCache.record) } : {}),
  };
}
