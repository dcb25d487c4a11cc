import { readFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import { AUTH_MODES, type AuthMode, type Connection } from '../../core/sign-in.ts';
import { CLOUD_NAMES, resolveEndpoints, type CloudName } from '../../core/cloud.ts';
import { type Deps, stdinIsTerminal } from '../../core/deps.ts';
import { UsageError } from '../../core/errors.ts';
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
