import type { TokenCredential } from '@azure/identity';
import { checkAdminSignIn } from '../../auth/admin-credential.ts';
import { isMicrosoftAuthorityHost } from '../../core/cloud.ts';
import type { Deps } from '../../core/deps.ts';
import { describeProxy } from '../../core/proxy.ts';
import type { Connection } from '../../core/sign-in.ts';

/**
 * Sign in before any task list starts (listr2 overwrote prompt output), and get the first Graph
 * token now so a wrong credential fails fast with exit 3. The authority is probed at the same
 * time (src/auth/diagnose-sign-in.ts): an untrusted certificate, an endpoint that cannot be
 * reached or an unknown tenant is reported at once, by name, not after MSAL's retries.
 */
export async function signIn(
  connection: Connection,
  deps: Deps,
  options: { trail?: (line: string) => void; tokenCache?: boolean } = {},
): Promise<{ credential: TokenCredential; token: string }> {
  const started = await startSignIn(connection, deps, options);
  return { credential: started.credential, token: await started.token };
}

/**
 * The sign-in of `signIn`, returned as soon as the token request is on its way: the caller loads
 * what it needs next while it waits (docs/performance.md#provision). The authority probe goes out
 * first, before @azure/identity loads; everything that could make it exit 2 is checked before that.
 */
export async function startSignIn(
  connection: Connection,
  deps: Deps,
  options: {
    trail?: (line: string) => void;
    tokenCache?: boolean;
    /** How many Graph requests the command sends at once after the token: their connections open while it travels. */
    graphConnections?: number;
  } = {},
): Promise<{ credential: TokenCredential; token: Promise<string> }> {
  const cache = await openTokenCache(connection, deps, options.tokenCache);
  const request = {
    mode: connection.authMode,
    tenant: connection.tenant,
    authorityHost: connection.endpoints.authorityHost,
    env: deps.env,
    prompt: (message: string) => deps.stderr.write(`${message}\n`),
    ...(deps.ended ? { ended: deps.ended } : {}),
    ...(options.trail ? { trail: options.trail } : {}),
    ...(cache ? { tokenCache: { directory: cache.directory, ...(cache.record ? { record: cache.record } : {}) } } : {}),
  };
  await checkAdminSignIn(request);
  const { AuthError } = await import('../../core/errors.ts');
  const { explainAdminAadsts, probeAuthority, readAadsts } = await import('../../auth/diagnose-sign-in.ts');
  // Managed identity and the Azure CLI sign in elsewhere (IMDS, az); the others start at the authority.
  let connected = (): void => undefined;
  const handshake = new Promise<void>((resolve) => {
    connected = resolve;
  });
  const probe = AUTHORITY_MODES.includes(connection.authMode)
    ? probeAuthority(connection.endpoints.authorityHost, connection.tenant, {
        trail: options.trail,
        whenConnected: connected,
        proxy: describeProxy(deps.env),
      })
    : Promise.resolve(undefined);
  // Off Microsoft's hosts MSAL's first request is the metadata the probe is fetching (src/graph/http.ts):
  // the probe's handshake first, then the SDK loads while its answer is on the way. On Microsoft's
  // hosts MSAL needs no metadata, and the SDK loads at once.
  if (!isMicrosoftAuthorityHost(connection.endpoints.authorityHost)) await Promise.race([handshake, probe]);
  const credential = await deps.createAdminCredential(request);
  const stopPreconnect = await preconnectGraph(connection, options.graphConnections ?? 0);
  const abort = new AbortController();
  const tokenRequest = credential.getToken(connection.graphScope, { abortSignal: abort.signal });
  tokenRequest.catch(() => undefined);
  const probeFailure = probe.then((failure) => {
    if (failure) throw failure;
    return tokenRequest;
  });
  const token = (async () => {
    try {
      const answer = await Promise.race([tokenRequest, probeFailure]);
      if (!answer) throw new Error('no token');
      if (cache && !cache.record) await cache.remember(credential, connection.graphScope);
      return answer.token;
    } catch (error) {
      // A device-code or browser flow still waiting for the admin must not keep the process alive.
      abort.abort();
      if (error instanceof Error && 'exitCode' in error) throw error;
      const explained = await probe;
      if (explained) throw explained;
      const code = readAadsts(error);
      const known = code !== undefined ? explainAdminAadsts(code, { tenant: connection.tenant, mode: connection.authMode }) : undefined;
      throw new AuthError(
        known?.message ?? `Admin sign-in (${connection.authMode}) to tenant ${connection.tenant} failed: ${describeAuthFailure(error)}`,
        {
          step: 'sign-in',
          object: `tenant ${connection.tenant}`,
          code: code !== undefined ? `AADSTS${code}` : undefined,
          suggestion:
            known?.suggestion ??
            (connection.authMode === 'env'
              ? 'Check AZURE_CLIENT_ID / AZURE_CLIENT_SECRET and --tenant.'
              : 'Sign in again with an administrator account of that tenant.'),
        },
      );
    }
  })();
  // Handled here too: the caller may be loading modules when it settles.
  token.then(stopPreconnect, stopPreconnect);
  return { credential, token };
}

/**
 * The first Graph round's connections open while the token request travels, not after its answer
 * (docs/performance.md#connections-opened-during-the-token-request): once the token request to the
 * authority (Microsoft identity platform's `/oauth2/v2.0/token`) is on its way, or at once when the
 * token comes from elsewhere (the Azure CLI, a managed identity endpoint). Armed before the token
 * is asked for; returns what cancels it if no token request is sent.
 */
async function preconnectGraph(connection: Connection, count: number): Promise<() => void> {
  if (count <= 0) return () => undefined;
  const { preconnect } = await import('../../graph/http.ts');
  if (!AUTHORITY_MODES.includes(connection.authMode)) return preconnect(connection.endpoints.graphEndpoint, count);
  const authority = new URL(connection.endpoints.authorityHost).origin;
  return preconnect(connection.endpoints.graphEndpoint, count, {
    after: (method, url) => {
      const target = new URL(url);
      return method === 'POST' && target.origin === authority && target.pathname.endsWith('/oauth2/v2.0/token');
    },
  });
}

/** The sign-ins whose requests go to the authority host; managed identity and the Azure CLI sign in elsewhere (IMDS, az). */
const AUTHORITY_MODES: readonly string[] = ['env', 'device-code', 'browser', 'workload-identity'];

/**
 * device-code and browser sign-ins are remembered between commands (src/auth/token-cache.ts), unless
 * --no-token-cache or ENTRA_MAIL_TOKEN_CACHE=off. The account to use silently is the one this
 * authority and tenant last signed in with.
 */
async function openTokenCache(connection: Connection, deps: Deps, flag: boolean | undefined) {
  if (connection.authMode !== 'device-code' && connection.authMode !== 'browser') return undefined;
  const cacheModule = await import('../../auth/token-cache.ts');
  if (!cacheModule.tokenCacheEnabled(deps.env, flag)) return undefined;
  const directory = cacheModule.cacheDirectory(deps.env);
  const path = cacheModule.recordPath(directory, connection.endpoints.authorityHost, connection.tenant);
  const record = await cacheModule.readRecordText(path);
  return {
    directory,
    record,
    /** After the first interactive sign-in: the account's record, so the next command signs in silently. */
    async remember(credential: TokenCredential, scope: string): Promise<void> {
      const interactive = credential as TokenCredential & { authenticate?: (scopes: string) => Promise<unknown> };
      if (!interactive.authenticate) return;
      const { serializeAuthenticationRecord } = await import('@azure/identity');
      const account = await interactive.authenticate(scope);
      if (account) await cacheModule.writeRecordText(path, serializeAuthenticationRecord(account as never));
    },
  };
}

/** The first line of an MSAL/identity error, with anything token-like removed. */
function describeAuthFailure(error: unknown): string {
  const message = String((error as Error)?.message ?? error).split('\n')[0] ?? '';
  return message.replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[token]').slice(0, 400);
}
