import { readFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import type { TokenCredential } from '@azure/identity';
import { AUTH_MODES, type AuthMode, type Connection } from '../../core/sign-in.ts';
import { CLOUD_NAMES, isMicrosoftAuthorityHost, resolveEndpoints, type CloudName } from '../../core/cloud.ts';
import { type Deps, stdinIsTerminal } from '../../core/deps.ts';
import { UsageError } from '../../core/errors.ts';
import { checkAdminSignIn } from '../../auth/admin-credential.ts';
import { validateHostPort, validateHttpsUrl, validateTenant } from '../../core/validate.ts';

/** The options every tenant command takes (README.md#signing-in---auth). */
export interface TenantArgs {
  tokenCache?: boolean;
  tenant?: string;
  auth?: string;
  cloud?: string;
  authorityHost?: string;
  graphEndpoint?: string;
  smtpHost?: string;
  caFile?: string;
  json?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  verbose?: boolean;
}

export function withTenantOptions<T>(yargs: Argv<T>): Argv<T & TenantArgs> {
  return yargs
    .option('tenant', { type: 'string', describe: 'Tenant id or domain [env: AZURE_TENANT_ID]' })
    .option('auth', {
      type: 'string',
      choices: AUTH_MODES as unknown as string[],
      describe: 'How the admin signs in (default: device-code in a terminal, env otherwise)',
    })
    .option('cloud', { type: 'string', choices: CLOUD_NAMES as unknown as string[], describe: 'National cloud [env: ENTRA_MAIL_CLOUD]' })
    .option('authority-host', { type: 'string', describe: 'Override the login host [env: AZURE_AUTHORITY_HOST]' })
    .option('graph-endpoint', { type: 'string', describe: 'Override the Graph origin [env: ENTRA_MAIL_GRAPH_ENDPOINT]' })
    .option('smtp-host', { type: 'string', describe: 'Override the SMTP submission host:port [env: ENTRA_MAIL_SMTP_HOST]' })
    .option('ca-file', { type: 'string', describe: "Extra CA certificate (PEM) to trust, e.g. the sandbox's [env: NODE_EXTRA_CA_CERTS]" })
    .option('json', { type: 'boolean', default: false, describe: 'One JSON document on stdout; progress off' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'Read everything, change nothing, print the plan' })
    .option('yes', { type: 'boolean', default: false, describe: 'No prompts' })
    .option('verbose', { type: 'boolean', default: false, describe: 'More detail on stderr (never a secret)' })
    .option('token-cache', {
      type: 'boolean',
      describe: 'Remember a device-code/browser sign-in between commands (default on; --no-token-cache, or ENTRA_MAIL_TOKEN_CACHE=off)',
    }) as Argv<T & TenantArgs>;
}

/** Pure validation of the connection flags: exit 2 before anything is sent. */
export function resolveConnection(args: TenantArgs, deps: Pick<Deps, 'env' | 'stdin'>): Connection {
  const env = deps.env;
  const tenant = validateTenant(args.tenant ?? env.AZURE_TENANT_ID, '--tenant');
  const cloudValue = args.cloud ?? env.ENTRA_MAIL_CLOUD ?? 'global';
  if (!(CLOUD_NAMES as readonly string[]).includes(cloudValue)) {
    throw new UsageError(`--cloud: '${cloudValue}' is not one of ${CLOUD_NAMES.join(', ')}.`, { flag: '--cloud' });
  }
  const cloud = cloudValue as CloudName;
  const authorityHost = optional(args.authorityHost ?? env.AZURE_AUTHORITY_HOST, (v) => validateHttpsUrl(v, '--authority-host'));
  const graphEndpoint = optional(args.graphEndpoint ?? env.ENTRA_MAIL_GRAPH_ENDPOINT, (v) => validateHttpsUrl(v, '--graph-endpoint'));
  const smtpHost = optional(args.smtpHost ?? env.ENTRA_MAIL_SMTP_HOST, (v) => validateHostPort(v, '--smtp-host'));
  const endpoints = resolveEndpoints(cloud, { authorityHost, graphEndpoint, smtpHost });
  const authMode = (args.auth ?? (stdinIsTerminal(deps) ? 'device-code' : 'env')) as AuthMode;
  if (!(AUTH_MODES as readonly string[]).includes(authMode))
    throw new UsageError(`--auth: '${authMode}' is not one of ${AUTH_MODES.join(', ')}.`, { flag: '--auth' });
  if (authMode === 'browser' && !hasBrowser(deps.env)) {
    throw new UsageError(
      '--auth browser needs a desktop browser, and this machine has no display to open one on (no DISPLAY or WAYLAND_DISPLAY).',
      {
        flag: '--auth',
        suggestion: 'Use --auth device-code: it prints a code to enter at https://microsoft.com/devicelogin on any device with a browser.',
      },
    );
  }
  const graphScope = `${resolveEndpoints(cloud).graphEndpoint}/.default`;
  return { tenant, cloud, endpoints, authMode, graphScope };
}

/**
 * Can InteractiveBrowserCredential open a browser here? It starts one through the desktop (xdg-open
 * on Linux), which needs a display; over SSH or in a container there is none, and the credential
 * would wait on its loopback redirect for ever. macOS and Windows always have one; $BROWSER and WSL
 * name their own.
 */
export function hasBrowser(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY || env.BROWSER || env.WSL_DISTRO_NAME);
}

function optional<T>(value: string | undefined, validate: (v: string) => T): T | undefined {
  return value === undefined || value === '' ? undefined : validate(value);
}

/**
 * Trust an extra CA in this process: for fetch (Graph), MSAL's HTTPS client and nodemailer alike.
 * `NODE_EXTRA_CA_CERTS` is read only at start-up; `tls.setDefaultCACertificates` (Node ≥ 22.19)
 * works at any time.
 */
export async function trustCaFile(path: string | undefined): Promise<void> {
  if (!path) return;
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`--ca-file: cannot read '${path}'.`, { flag: '--ca-file' });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new UsageError(`--ca-file: '${path}' holds no PEM certificate.`, { flag: '--ca-file' });
  // node:tls (and node:net under it) loads only for --ca-file, not on every command's start; taken from
  // process.getBuiltinModule, not import(): in the package an import() runs through the vm.Script's
  // dynamic-import hook, which Node marks experimental and warns about on stderr (bin/run-bundle.js).
  const tls = process.getBuiltinModule('node:tls');
  const current = tls.getCACertificates('default');
  if (!current.includes(pem)) tls.setDefaultCACertificates([...current, pem]);
}

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
    ? probeAuthority(connection.endpoints.authorityHost, connection.tenant, { trail: options.trail, whenConnected: connected })
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
