import { dirname, join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { parseGrace } from '../../credentials/grace.ts';
import { UsageError } from '../../core/errors.ts';
import { checkOutputPath } from '../../core/output-path.ts';
import { checkStateDirectory } from '../../credentials/journal.ts';
import type { RenderRequest } from '../../rotation/delivered-config.ts';
import { getProfile } from '../../profiles/get-profile.ts';
import type { TenantArgs } from '../shared/connection.ts';
import { withTenantOptions } from '../shared/connection.ts';
import {
  isGuid,
  parseLifetime,
  parseWindowDays,
  requireText,
  validateDisplayName,
  validateHttpsUrl,
  validateMailbox,
  validateUniqueName,
} from '../../core/validate.ts';
import { splitCommand } from '../../credentials/sinks/command-sink.ts';
import { validateVaultUrl } from '../../credentials/sinks/vault-credential.ts';

export interface RotateArgs extends TenantArgs {
  app?: string;
  all?: boolean;
  expiringWithin?: string;
  credential?: string;
  secretLifetime?: string;
  keep?: number;
  grace?: string;
  out?: string;
  showSecret?: boolean;
  onRotate?: string;
  keyVault?: string;
  keyVaultSecret?: string;
  certificateOut?: string;
  profile?: string;
  format?: string;
  mailbox?: string;
  senderName?: string;
  siteUrl?: string;
  verifyTimeout?: number;
}

export function withRotateOptions<T>(yargs: Argv<T>): Argv<T & RotateArgs> {
  return withTenantOptions(yargs)
    .option('app', { type: 'string', describe: 'The app to rotate: its appId (client id) or uniqueName' })
    .option('all', { type: 'boolean', default: false, describe: 'Every app entra-mail manages that is due (with --expiring-within)' })
    .option('expiring-within', { type: 'string', describe: 'Only when no entra-mail credential outlives this window, e.g. 30d' })
    .option('credential', {
      type: 'string',
      choices: ['secret', 'certificate'],
      default: 'secret',
      describe: 'Mint a client secret or a certificate',
    })
    .option('secret-lifetime', {
      type: 'string',
      default: '180d',
      describe: 'Lifetime of the new credential, e.g. 180d, 12mo (max 24 months)',
    })
    .option('keep', { type: 'number', default: 0, describe: 'Older entra-mail credentials to keep besides the new one' })
    .option('grace', {
      type: 'string',
      default: '7d',
      describe: 'How long the replaced credential stays valid for consumers still using it, e.g. 7d, 12h; 0 removes it at once',
    })
    .option('out', { type: 'string', describe: 'Config file with the new secret, 0600, atomic; {uniqueName} is replaced with --all' })
    .option('show-secret', { type: 'boolean', default: false, describe: 'Print the new config, secret included, on stdout' })
    .option('on-rotate', { type: 'string', describe: 'Command that gets the new config as JSON on stdin (run without a shell)' })
    .option('key-vault', { type: 'string', describe: 'Azure Key Vault URL to store the new credential in' })
    .option('key-vault-secret', { type: 'string', describe: 'Key Vault secret name (default: the uniqueName); {uniqueName} is replaced' })
    .option('certificate-out', {
      type: 'string',
      describe: 'certificate: PEM file for the private key + certificate, 0600 (default ./<uniqueName>.pem)',
    })
    .option('profile', { type: 'string', describe: "Re-render this product profile's output into --out" })
    .option('format', { type: 'string', describe: "With --profile: which output (default the profile's first)" })
    .option('mailbox', { type: 'string', describe: 'With --profile: the sending mailbox the output names' })
    .option('sender-name', { type: 'string', describe: 'With --profile: the sender name' })
    .option('site-url', { type: 'string', describe: 'With --profile dnn: the site root' })
    .option('verify-timeout', {
      type: 'number',
      default: 120,
      describe: 'Seconds the new credential has to pass three token requests in a row',
    }) as Argv<T & RotateArgs>;
}

/** The validated rotate request: all flag checks happen here, before anything is sent (exit 2). */
export interface RotatePlanArgs {
  target: { all: true } | { all: false; reference: string };
  windowDays?: number;
  kind: 'secret' | 'certificate';
  lifetimeDays: number;
  keep: number;
  graceMs: number;
  out?: string;
  showSecret: boolean;
  onRotate?: string;
  keyVault?: { url: string; secretName?: string };
  certificateOut?: string;
  render?: RenderRequest;
  confirmDeadlineMs: number;
}

export function validateRotateArgs(args: RotateArgs, cwd: string): RotatePlanArgs {
  if (Boolean(args.all) === (args.app !== undefined))
    throw new UsageError('Name one app with --app ID_OR_UNIQUE_NAME, or use --all.', { flag: '--app' });
  const windowDays = args.expiringWithin !== undefined ? parseWindowDays(args.expiringWithin, '--expiring-within') : undefined;
  if (args.all && windowDays === undefined)
    throw new UsageError('--all needs --expiring-within (e.g. 30d): rotating every app at once is never the default.', {
      flag: '--expiring-within',
    });
  const kind = (args.credential ?? 'secret') as 'secret' | 'certificate';
  if (kind !== 'secret' && kind !== 'certificate')
    throw new UsageError(`--credential: '${String(kind)}' is not secret or certificate.`, { flag: '--credential' });
  const keep = Number(args.keep ?? 0);
  if (!Number.isInteger(keep) || keep < 0 || keep > 10) throw new UsageError('--keep: a whole number from 0 to 10.', { flag: '--keep' });
  const graceMs = parseGrace(String(args.grace ?? '7d'));
  if (graceMs === undefined) throw new UsageError('--grace: 0, or days or hours up to 90 days, e.g. 7d or 12h.', { flag: '--grace' });
  const timeout = Number(args.verifyTimeout ?? 120);
  if (!Number.isFinite(timeout) || timeout < 1 || timeout > 3600)
    throw new UsageError('--verify-timeout: seconds, 1 to 3600.', { flag: '--verify-timeout' });
  const many = Boolean(args.all);
  for (const [flag, value] of [
    ['--out', args.out],
    ['--certificate-out', args.certificateOut],
  ] as const) {
    if (many && value !== undefined && !value.includes('{uniqueName}'))
      throw new UsageError(`${flag} with --all must contain {uniqueName}: every app needs its own file.`, { flag });
  }
  if (many && args.showSecret)
    throw new UsageError("--show-secret prints one app's secret; it cannot be combined with --all.", { flag: '--show-secret' });
  if (args.keyVaultSecret !== undefined && args.keyVault === undefined)
    throw new UsageError('--key-vault-secret needs --key-vault URL.', { flag: '--key-vault-secret' });
  // Every sink is checked here, before sign-in: one found wrong after minting leaves a secret nobody holds.
  if (args.onRotate !== undefined && splitCommand(String(args.onRotate)).length === 0)
    throw new UsageError('--on-rotate: give a command to run.', { flag: '--on-rotate' });
  if (args.keyVaultSecret !== undefined) vaultSecretName(String(args.keyVaultSecret), 'app');
  if (kind === 'secret' && !args.out && !args.showSecret && !args.onRotate && !args.keyVault) {
    throw new UsageError(
      'Say where the new secret goes: --out FILE, --key-vault URL, --on-rotate CMD or --show-secret. A secret nobody receives would only be removed again.',
      { flag: '--out' },
    );
  }
  return {
    target: many ? { all: true } : { all: false, reference: validateAppReference(args.app) },
    ...(windowDays !== undefined ? { windowDays } : {}),
    kind,
    lifetimeDays: parseLifetime(args.secretLifetime ?? '180d'),
    keep,
    graceMs,
    ...(args.out !== undefined ? { out: resolve(cwd, args.out) } : {}),
    showSecret: Boolean(args.showSecret),
    ...(args.onRotate !== undefined ? { onRotate: args.onRotate } : {}),
    ...(args.keyVault !== undefined
      ? {
          keyVault: {
            url: validateVaultUrl(args.keyVault),
            ...(args.keyVaultSecret !== undefined ? { secretName: args.keyVaultSecret } : {}),
          },
        }
      : {}),
    ...(args.certificateOut !== undefined ? { certificateOut: resolve(cwd, args.certificateOut) } : {}),
    ...(args.profile !== undefined ? { render: buildRender(args) } : {}),
    confirmDeadlineMs: timeout * 1000,
  };
}

function buildRender(args: RotateArgs): RenderRequest {
  const profile = getProfile(String(args.profile));
  const format = args.format ?? profile.outputs[0]?.name ?? 'env';
  if (!profile.outputs.some((o) => o.name === format))
    throw new UsageError(`--format: profile '${profile.name}' has no output '${format}'.`, { flag: '--format' });
  if (args.mailbox === undefined)
    throw new UsageError('--profile needs --mailbox: the output names the sending mailbox.', { flag: '--mailbox' });
  return {
    profile,
    format,
    mailbox: validateMailbox(args.mailbox),
    ...(args.senderName !== undefined ? { senderName: validateDisplayName(args.senderName, '--sender-name') } : {}),
    ...(args.siteUrl !== undefined ? { siteUrl: validateHttpsUrl(args.siteUrl, '--site-url') } : {}),
  };
}

/** `--app`: a client id (GUID) or a uniqueName, checked before it goes into a Graph filter. */
function validateAppReference(value: unknown): string {
  const text = requireText(value, '--app');
  return isGuid(text) ? text.toLowerCase() : validateUniqueName(text, '--app');
}

/** `{uniqueName}` in a path or vault secret name; vault names allow only letters, digits and '-'. */
export function forApp(template: string, uniqueName: string): string {
  return template.replaceAll('{uniqueName}', uniqueName);
}

export function vaultSecretName(template: string | undefined, uniqueName: string): string {
  // A uniqueName may hold '.' and '_', which vault names do not: they become '-' in a template too,
  // so a template that is valid before sign-in stays valid for every app.
  const safe = uniqueName.replace(/[^0-9A-Za-z-]/g, '-');
  const name = template !== undefined ? forApp(template, safe) : safe;
  if (!/^[0-9A-Za-z-]{1,127}$/.test(name))
    throw new UsageError(`--key-vault-secret: '${name}' is not a Key Vault name (letters, digits and '-').`, {
      flag: '--key-vault-secret',
    });
  return name;
}

/**
 * The local side of a rotation, checked before sign-in (exit 2, nothing sent): the files it will
 * write and the state directory. A name that depends on the app (`{uniqueName}`) is checked for
 * its directory only.
 */
export async function checkRotatePreconditions(plan: RotatePlanArgs, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const files: [string, string][] = [];
  if (plan.out) files.push([plan.out, '--out']);
  if (plan.kind === 'certificate') files.push([plan.certificateOut ?? join(cwd, '{uniqueName}.pem'), '--certificate-out']);
  for (const [path, flag] of files) {
    if (dirname(path).includes('{uniqueName}')) continue;
    await checkOutputPath(path, flag, { directoryOnly: path.includes('{uniqueName}') });
  }
  await checkStateDirectory(env);
}
