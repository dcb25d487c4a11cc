import type { Argv } from 'yargs';
import type { Deps } from '../../core/deps.ts';
import { UsageError } from '../../core/errors.ts';
import type { FleetFile, FleetTenant } from '../../fleet/fleet-file.ts';
import { DEFAULT_CONCURRENCY } from '../../fleet/run-fleet.ts';
import { parseShard, selectShard, type Shard } from '../../fleet/shard.ts';
import { chooseProgressMode, type ProgressMode } from '../../provision/task-runner.ts';
import { trustCaFile, withTenantOptions, type TenantArgs } from '../shared/connection.ts';

export interface FleetArgs extends TenantArgs {
  file?: string;
  concurrency?: number;
  shard?: string;
  quiet?: boolean;
  output?: string;
}

/** The flags every fleet command takes: the file, how many tenants at once, which shard (with the tenant options). */
export function withFleetOptions<T>(yargs: Argv<T>): Argv<T & FleetArgs> {
  return withFleetFlags(withTenantOptions(yargs));
}

/** -f, --concurrency and --shard alone: `rotate` and `status` add them to their own options. */
export function withFleetFlags<T>(yargs: Argv<T>): Argv<T & FleetArgs> {
  return yargs
    .option('file', { alias: 'f', type: 'string', describe: 'The fleet file (entra-mail.yaml): tenants and their apps' })
    .option('concurrency', { type: 'number', default: DEFAULT_CONCURRENCY, describe: 'Tenants worked on at once (1 to 64)' })
    .option('shard', { type: 'string', describe: 'Take only shard i of N (e.g. 2/4): every tenant is in exactly one shard' }) as Argv<
    T & FleetArgs
  >;
}

const INTERACTIVE = new Set(['device-code', 'browser']);

export interface FleetRun {
  file: FleetFile;
  tenants: FleetTenant[];
  concurrency: number;
  shard?: Shard;
  mode: ProgressMode;
}

/** Flags and file, checked before any sign-in (exit 2 with the file's line and key, nothing sent). */
export async function readFleetRun(args: FleetArgs, deps: Deps): Promise<FleetRun> {
  if (args.file === undefined) throw new UsageError('Name the fleet file with -f FILE (e.g. -f entra-mail.yaml).', { flag: '--file' });
  if (args.tenant !== undefined)
    throw new UsageError('--tenant and -f do not go together: the file names the tenants (use --shard to take a part of them).', {
      flag: '--tenant',
    });
  const concurrency = Number(args.concurrency ?? DEFAULT_CONCURRENCY);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw new UsageError('--concurrency: a whole number from 1 to 64.', { flag: '--concurrency' });
  const shard = args.shard !== undefined ? parseShard(String(args.shard)) : undefined;
  // The loader (yaml, ajv and the schema) loads only for the fleet commands.
  const { loadFleetFile } = await import('../../fleet/load-fleet-file.ts');
  const file = await loadFleetFile(args.file, deps.cwd);
  // A CA file that cannot be read is the run's usage error, before any tenant is contacted.
  await trustCaFile(args.caFile);
  const tenants = selectShard(file.tenants, shard);
  const mode = chooseProgressMode({ json: Boolean(args.json), quiet: Boolean(args.quiet), stderr: deps.stderr });
  // An admin who signs in by hand (a device code, a browser) does one tenant at a time, and the
  // prompt is not drawn over by a live list.
  const interactive = tenants.some((t) => INTERACTIVE.has(t.auth.kind ?? args.auth ?? 'env'));
  return {
    file,
    tenants,
    concurrency: interactive ? 1 : concurrency,
    ...(shard ? { shard } : {}),
    mode: interactive && mode === 'default' ? 'simple' : mode,
  };
}
