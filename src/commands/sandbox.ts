import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import type { Deps } from '../core/deps.ts';
import { UsageError } from '../core/errors.ts';
import type { CommandState } from './shared/command-state.ts';
import type { SandboxSettings } from '../sandbox/index.ts';
import { sandboxMessagesCommand } from './sandbox-messages.ts';

interface SandboxArgs {
  port?: number;
  smtpPort?: number;
  dir?: string;
  state?: string;
  latencyMs?: number;
  replicationMs?: number;
  throttleEvery?: number;
  failRate?: number;
  pageSize?: number;
  proxyPort?: number;
  fault?: string[];
  filler?: number;
  tenants?: number;
  json?: boolean;
  showSecret?: boolean;
}

function pageSize(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > 999)
    throw new UsageError('--page-size: must be a whole number from 1 to 999.', { flag: '--page-size' });
  return value;
}

/** Most tenants one sandbox hosts: an MSP's estate, and still little memory (they are built on first use). */
export const MAX_SANDBOX_TENANTS = 10_000;

function tenantCount(value: number | undefined): number {
  if (value === undefined) return 1;
  if (!Number.isInteger(value) || value < 1 || value > MAX_SANDBOX_TENANTS)
    throw new UsageError(`--tenants: must be a whole number from 1 to ${MAX_SANDBOX_TENANTS}.`, { flag: '--tenants' });
  return value;
}

function nonNegative(value: number | undefined, flag: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value < 0 || value > max) throw new UsageError(`${flag}: must be a number from 0 to ${max}.`, { flag });
  return value;
}

/**
 * `entra-mail sandbox`: the embedded tenant on loopback until Ctrl-C. It prints what a client
 * needs, including the sandbox admin app's secret — a credential of this local sandbox only.
 */
export function sandboxCommand(deps: Deps, state: CommandState): CommandModule<object, SandboxArgs> {
  return {
    command: 'sandbox',
    describe: 'Start the embedded sandbox tenant (HTTPS Graph + token endpoint, Exchange state, SMTP with XOAUTH2) on 127.0.0.1',
    builder: (y) =>
      y
        .command(sandboxMessagesCommand(deps, state) as never)
        .option('port', { type: 'number', default: 0, describe: 'HTTPS port (0: any free port)' })
        .option('smtp-port', { type: 'number', default: 0, describe: 'SMTP port (0: any free port)' })
        .option('dir', { type: 'string', describe: 'Where to write the CA, settings and the pwsh stand-in (default: a new temp dir)' })
        .option('state', { type: 'string', describe: 'Keep the tenant state in this file across restarts' })
        .option('latency-ms', { type: 'number', default: 0, describe: 'Delay every answer' })
        .option('replication-ms', { type: 'number', default: 0, describe: 'How long new objects stay invisible' })
        .option('throttle-every', { type: 'number', default: 0, describe: 'Every Nth Graph request answers 429 with Retry-After' })
        .option('fail-rate', {
          type: 'number',
          default: 0,
          describe: 'Share (0..1) of Graph and token requests that fail (503; a write may fail after it was made, 504)',
        })
        .option('page-size', { type: 'number', describe: "Graph page size when a client sends no $top (Graph's: 100)" })
        .option('proxy-port', {
          type: 'number',
          describe:
            'Also run a CONNECT proxy on this port that serves login.microsoftonline.com, graph.microsoft.com and outlook.office365.com (0: any free port)',
        })
        .option('fault', {
          type: 'string',
          array: true,
          describe: "Inject a fault at the network edge, e.g. 'POST /addPassword$ nth=2 commit-then-kill' (repeatable; see README)",
        })
        .option('filler', { type: 'number', default: 0, describe: 'Start the tenant with N other apps, each with a service principal' })
        .option('tenants', {
          type: 'number',
          default: 1,
          describe: 'Host N tenants (tenant-001.onmicrosoft.com, …) besides the first, with the admin app consented in each',
        })
        .option('json', { type: 'boolean', default: false, describe: 'Print the settings as JSON' })
        .option('show-secret', {
          type: 'boolean',
          default: false,
          describe: "Also print the sandbox admin app's secret (it is always in <dir>/admin.env, mode 0600)",
        }) as never,
    handler: async (args) => {
      state.json = Boolean(args.json);
      const knobs = {
        latencyMs: nonNegative(args.latencyMs, '--latency-ms', 60_000),
        replicationMs: nonNegative(args.replicationMs, '--replication-ms', 3_600_000),
        throttleEvery: nonNegative(args.throttleEvery, '--throttle-every', 1_000_000),
        failRate: nonNegative(args.failRate, '--fail-rate', 1),
        pageSize: pageSize(args.pageSize),
      };
      const port = nonNegative(args.port, '--port', 65535);
      const smtpPort = nonNegative(args.smtpPort, '--smtp-port', 65535);
      const proxyPort = nonNegative(args.proxyPort, '--proxy-port', 65535);
      const { parseFaultSpec } = await import('../sandbox/traffic/fault-spec.ts');
      const faults = (args.fault ?? []).map((spec) => {
        try {
          return parseFaultSpec(spec);
        } catch (error) {
          throw new UsageError(`--fault: ${error instanceof Error ? error.message : String(error)}`, { flag: '--fault' });
        }
      });
      const filler = nonNegative(args.filler, '--filler', 100_000);
      const tenants = tenantCount(args.tenants);
      const { startSandbox } = await import('../sandbox/index.ts');
      const sandbox = await startSandbox({
        port,
        smtpPort,
        dir: args.dir,
        statePath: args.state,
        faults,
        ...(proxyPort === undefined ? {} : { proxyPort }),
        filler,
        tenants,
        knobs: Object.fromEntries(Object.entries(knobs).filter(([, v]) => v !== undefined)),
      });
      const envFile = await writeAdminEnvFile(sandbox.settings);
      const showSecret = Boolean(args.showSecret);
      deps.stdout.write(
        args.json
          ? `${JSON.stringify(sandboxSettingsJson(sandbox.settings, envFile, showSecret), null, 2)}\n`
          : formatSandboxSettings(sandbox.settings, envFile, showSecret),
      );
      await waitForStop(deps);
      await sandbox.close();
    },
  };
}

export function sandboxSettingsJson(s: SandboxSettings, envFile: string, showSecret: boolean): Record<string, unknown> {
  return {
    tenantId: s.tenantId,
    tenantDomain: s.tenantDomain,
    authorityHost: s.authorityHost,
    graphEndpoint: s.graphEndpoint,
    smtpHost: s.smtpHost,
    exchangeEndpoint: s.exchangeEndpoint,
    caFile: s.caFile,
    pwsh: s.pwshPath,
    ...(s.proxyUrl ? { proxyUrl: s.proxyUrl } : {}),
    dir: s.dir,
    admin: {
      tenantId: s.tenantId,
      clientId: s.adminClientId,
      envFile,
      ...(showSecret ? { clientSecret: s.adminClientSecret.reveal() } : {}),
    },
    tenants: s.tenants,
  };
}

/** The environment `--auth env` reads, in a 0600 file: the secret stays off the terminal. */
export function adminEnvironment(s: SandboxSettings): Record<string, string> {
  return {
    AZURE_TENANT_ID: s.tenantId,
    AZURE_CLIENT_ID: s.adminClientId,
    AZURE_CLIENT_SECRET: s.adminClientSecret.reveal(),
    AZURE_AUTHORITY_HOST: s.authorityHost,
    ENTRA_MAIL_GRAPH_ENDPOINT: s.graphEndpoint,
    ENTRA_MAIL_SMTP_HOST: s.smtpHost,
    ENTRA_MAIL_EXCHANGE_ENDPOINT: s.exchangeEndpoint,
    ENTRA_MAIL_PWSH: s.pwshPath,
  };
}

async function writeAdminEnvFile(s: SandboxSettings): Promise<string> {
  const { writeSecretFile } = await import('../core/write-secret-file.ts');
  const path = join(s.dir, 'admin.env');
  const body = Object.entries(adminEnvironment(s))
    .map(([k, v]) => `export ${k}='${v.replaceAll("'", "'\\''")}'`)
    .join('\n');
  await writeSecretFile(path, `${body}\n`);
  return path;
}

export function formatSandboxSettings(s: SandboxSettings, envFile: string, showSecret: boolean): string {
  const lines = [
    `Sandbox tenant ${s.tenantId} (${s.tenantDomain}) is running on 127.0.0.1. Stop it with Ctrl-C.`,
    '',
    `  authority host  ${s.authorityHost}`,
    `  Graph endpoint  ${s.graphEndpoint}`,
    `  SMTP host       ${s.smtpHost}`,
    `  Exchange admin  ${s.exchangeEndpoint}`,
    `  CA to trust     ${s.caFile}`,
    `  pwsh stand-in   ${s.pwshPath}`,
    ...(s.proxyUrl ? [`  HTTPS proxy     ${s.proxyUrl} (login.microsoftonline.com, graph.microsoft.com, outlook.office365.com)`] : []),
    `  admin app       ${s.adminClientId}${showSecret ? ` secret ${s.adminClientSecret.reveal()}` : ''}`,
    '',
    'From another shell (the admin app of this local sandbox signs in with --auth env):',
    '',
    `  . ${envFile}`,
    `  entra-mail provision --auth env --ca-file ${s.caFile} --model smtp --mailbox noreply@contoso.com --exchange run`,
    '',
    ...formatOtherTenants(s),
  ];
  return lines.join('\n');
}

/** With --tenants N: every other tenant, and how the same admin app signs in to one of them. */
function formatOtherTenants(s: SandboxSettings): string[] {
  const others = s.tenants.slice(1);
  const first = others[0];
  if (!first) return [];
  const shown = others.slice(0, 20);
  return [
    `${others.length} more tenant${others.length === 1 ? '' : 's'}; the admin app is consented in each (all of them: settings.json in ${s.dir}):`,
    '',
    ...shown.map((t) => `  ${t.tenantId}  ${t.domain}  ${t.mailboxes[0] ?? ''}`),
    ...(others.length > shown.length ? [`  … and ${others.length - shown.length} more`] : []),
    '',
    'Sign in to another tenant with the same admin app by naming it:',
    '',
    `  entra-mail provision --auth env --ca-file ${s.caFile} --tenant ${first.tenantId} --model smtp --mailbox ${first.mailboxes[0] ?? ''} --exchange api`,
    '',
  ];
}

function waitForStop(deps: Deps): Promise<void> {
  deps.activity?.claimSignals();
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
