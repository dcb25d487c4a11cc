import type { CommandModule } from 'yargs';
import type { Deps } from '../core/deps.ts';
import { UsageError } from '../core/errors.ts';
import type { CommandState } from './shared/command-state.ts';
import { sandboxMessagesCommand } from './sandbox-messages.ts';
import { formatSandboxSettings, sandboxSettingsJson, writeAdminEnvFile, writeWorkloadEnvFile } from './sandbox-settings.ts';

export { adminEnvironment, workloadEnvironment } from './sandbox-settings.ts';

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
      await writeWorkloadEnvFile(sandbox.settings);
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
