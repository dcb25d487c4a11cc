import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { UsageError } from '../../core/errors.ts';
import { checkOutputPath } from '../../core/output-path.ts';
import { checkStateDirectory } from '../../credentials/journal.ts';
import { MODEL_NAMES, MODELS, isModelName, type ModelName } from '../../core/models.ts';
import { certificateProfile } from '../../profiles/certificate-outputs.ts';
import { getProfile } from '../../profiles/get-profile.ts';
import type { Profile } from '../../profiles/profile.ts';
import { resolvePermissions, resolveRedirectUris } from '../../profiles/resolve.ts';
import { EXCHANGE_MODES, type ExchangeMode, modelNeedsExchange } from '../../provision/exchange.ts';
import type { ProvisionRequest } from '../../provision/request.ts';
import type { Desired } from '../../provision/types.ts';
import type { CredentialKind } from '../../credentials/types.ts';
import type { Connection } from '../../core/sign-in.ts';
import type { ExchangeGrants } from '../../core/tags.ts';
import type { TenantArgs } from '../shared/connection.ts';
import { withTenantOptions } from '../shared/connection.ts';
import {
  buildExchangeOptions,
  checkExchangeFiles,
  type ExchangeConnectArgs,
  withExchangeConnectOptions,
} from '../shared/exchange-options.ts';
import {
  deriveUniqueName,
  parseLifetime,
  validateDisplayName,
  validateHttpsUrl,
  validateMailboxes,
  validateRedirectUri,
  validateUniqueName,
} from '../../core/validate.ts';

export interface ProvisionArgs extends TenantArgs, ExchangeConnectArgs {
  detailedExitcode?: boolean;
  profile?: string;
  model?: string;
  name?: string;
  uniqueName?: string;
  /** `--adopt <client id>`: take over an app entra-mail did not create (src/commands/provision/existing-app.ts). */
  adopt?: string;
  mailbox?: string[];
  senderName?: string;
  secretLifetime?: string;
  exchange?: string;
  scriptOut?: string;
  format?: string;
  out?: string;
  showSecret?: boolean;
  redirectUri?: string[];
  siteUrl?: string;
  newSecret?: boolean;
  credential?: string;
  certificateOut?: string;
  sendAs?: string[];
  verify?: boolean;
  to?: string;
  restoreDeleted?: boolean;
  app?: string;
  exchangeTimeout?: string;
}

export function withProvisionOptions<T>(yargs: Argv<T>): Argv<T & ProvisionArgs> {
  return withExchangeConnectOptions(withTenantOptions(yargs))
    .option('profile', { type: 'string', describe: 'Product profile (entra-mail profiles); default generic-<model>' })
    .option('model', {
      type: 'string',
      choices: MODEL_NAMES as unknown as string[],
      describe: "Authorization model (overrides the profile's)",
    })
    .option('name', { type: 'string', describe: 'App display name (default from the profile)' })
    .option('unique-name', { type: 'string', describe: 'Idempotency key (default derived from the name)' })
    .option('mailbox', { type: 'string', array: true, describe: 'Sending mailbox (repeatable)' })
    .option('sender-name', { type: 'string', describe: 'Display name of the sender' })
    .option('secret-lifetime', { type: 'string', describe: 'e.g. 180d, 24mo (max 24 months; default from the profile)' })
    .option('new-secret', {
      type: 'boolean',
      alias: 'new-credential',
      default: false,
      describe: 'Mint a new secret (or certificate) even if a valid one exists',
    })
    .option('credential', {
      type: 'string',
      choices: ['secret', 'certificate'],
      default: 'secret',
      describe: 'Sign in with a client secret or a certificate (generic profiles only)',
    })
    .option('certificate-out', {
      type: 'string',
      describe: 'certificate: PEM file for the private key + certificate, 0600 (default ./<unique-name>.pem)',
    })
    .option('exchange', {
      type: 'string',
      choices: EXCHANGE_MODES as unknown as string[],
      default: 'script',
      describe: 'Exchange step: write the script, run it, call the admin API (api, experimental), or skip',
    })
    .option('script-out', { type: 'string', describe: 'Where to write the Exchange script (default ./<unique-name>.exchange.ps1)' })
    .option('format', { type: 'string', describe: "Output: the profile's own (default) or env, json, yaml …" })
    .option('out', { type: 'string', describe: 'Config file incl. the secret, written 0600 atomically (default ./<unique-name>.<format>)' })
    .option('show-secret', { type: 'boolean', default: false, describe: 'Print the secret on stdout' })
    .option('redirect-uri', { type: 'string', array: true, describe: 'Extra redirect URI (repeatable)' })
    .option('site-url', { type: 'string', describe: 'Site root (dnn)' })
    .option('app', {
      type: 'string',
      describe: 'An app entra-mail manages (client id or unique name): its name, model, profile and mailboxes are the defaults',
    })
    .option('adopt', {
      type: 'string',
      describe: 'Take over an existing app entra-mail did not create (its client id): tag it and converge it; its own secrets stay',
    })
    .option('restore-deleted', {
      type: 'boolean',
      default: false,
      describe: 'If a deleted app (kept 30 days) holds the unique name, restore it and bring it up to date',
    })
    .option('send-as', {
      type: 'string',
      array: true,
      describe: 'Mailboxes the app may send as (Add-RecipientPermission; enaio webclient users)',
    }) as Argv<T & ProvisionArgs>;
}

/** argv → Desired + the step options: all validation, no I/O beyond reading the shipped profiles. */
export function buildProvisionRequest(args: ProvisionArgs, connection: Connection, cwd: string, env: NodeJS.ProcessEnv): ProvisionRequest {
  if (args.model !== undefined && !isModelName(args.model))
    throw new UsageError(`--model: '${args.model}' is not one of ${MODEL_NAMES.join(', ')}.`, { flag: '--model' });
  const chosen: Profile = getProfile(args.profile ?? `generic-${args.model ?? 'smtp'}`);
  const model: ModelName = (args.model as ModelName | undefined) ?? chosen.model;
  const credential = readCredentialKind(args);
  // Checked before anything is sent: a product that takes only a client secret gets none.
  const profile = credential === 'certificate' ? requireCertificateProfile(chosen, model) : chosen;
  const mailboxes = validateMailboxes(args.mailbox);
  if (mailboxes.length === 0)
    throw new UsageError('--mailbox: give the sending mailbox (e.g. --mailbox noreply@contoso.com).', { flag: '--mailbox' });
  const displayName = validateDisplayName(args.name ?? profile.displayName);
  const uniqueName = args.uniqueName !== undefined ? validateUniqueName(args.uniqueName) : deriveUniqueName(displayName);
  const siteUrl = args.siteUrl !== undefined ? validateHttpsUrl(args.siteUrl, '--site-url') : undefined;
  const redirectUris = resolveRedirectUris(profile, { siteUrl, extra: (args.redirectUri ?? []).map((u) => validateRedirectUri(u)) });
  if (args.showSecret && args.json === false && args.out === '-')
    throw new UsageError('--out - and --show-secret together print the secret twice.', { flag: '--out' });
  const exchangeMode = (args.exchange ?? 'script') as ExchangeMode;
  if (!(EXCHANGE_MODES as readonly string[]).includes(exchangeMode))
    throw new UsageError(`--exchange: '${exchangeMode}' is not one of ${EXCHANGE_MODES.join(', ')}.`, { flag: '--exchange' });
  const desired: Desired = {
    tenant: connection.tenant,
    model,
    profile: profile.name,
    displayName,
    uniqueName,
    mailboxes,
    senderName: args.senderName !== undefined ? validateDisplayName(args.senderName, '--sender-name') : undefined,
    secretLifetimeDays: parseLifetime(args.secretLifetime ?? profile.secretLifetime),
    newSecret: Boolean(args.newSecret),
    credential,
    permissions: resolvePermissions(profile, model),
    redirectUris,
    signInAudience: profile.signInAudience,
    restoreDeleted: Boolean(args.restoreDeleted),
    exchangeGrants: exchangeGrantsOf(model, exchangeMode, mailboxes, validateMailboxes(args.sendAs, '--send-as')),
    ...(args.adopt !== undefined ? { adopt: { appId: args.adopt } } : {}),
  };
  const format = args.format ?? profile.outputs[0]?.name ?? 'env';
  const output = profile.outputs.find((o) => o.name === format);
  if (!output) {
    const which = credential === 'certificate' ? ` for --credential certificate` : '';
    throw new UsageError(
      `--format: profile '${profile.name}' has no output '${format}'${which}; choose one of: ${profile.outputs.map((o) => o.name).join(', ')}.`,
      { flag: '--format' },
    );
  }
  const outPath = resolve(cwd, args.out ?? `${uniqueName}.${extensionFor(output.format)}`);
  const scriptPath = resolve(cwd, args.scriptOut ?? `${uniqueName}.exchange.ps1`);
  if (scriptPath === outPath) throw new UsageError('--script-out and --out name the same file.', { flag: '--script-out' });
  const certificateOut = credential === 'certificate' ? resolve(cwd, args.certificateOut ?? `${uniqueName}.pem`) : undefined;
  if (certificateOut !== undefined && (certificateOut === outPath || certificateOut === scriptPath)) {
    throw new UsageError('--certificate-out names the same file as --out or --script-out; the private key needs a file of its own.', {
      flag: '--certificate-out',
    });
  }
  return {
    desired,
    profile,
    connection,
    exchange: buildExchangeOptions(args, {
      mode: exchangeMode,
      scriptPath,
      connection,
      env,
      sendAs: validateMailboxes(args.sendAs, '--send-as'),
      enableSmtpAuth: MODELS[model].exchange.smtpAuth || profile.exchange.smtpAuth,
    }),
    output: { format, outPath, showSecret: Boolean(args.showSecret), siteUrl, ...(certificateOut !== undefined ? { certificateOut } : {}) },
    dryRun: Boolean(args.dryRun),
    json: Boolean(args.json),
    quiet: Boolean((args as { quiet?: boolean }).quiet),
  };
}

/** What the Exchange step will grant: the mailboxes (FullAccess, or the RBAC scope) and SendAs; nothing when skipped. */
function exchangeGrantsOf(model: ModelName, mode: ExchangeMode, mailboxes: string[], sendAs: string[]): ExchangeGrants {
  if (mode === 'skip' || !modelNeedsExchange(model)) return { mailboxes: [], sendAs: [] };
  const x = MODELS[model].exchange;
  return { mailboxes: x.fullAccess || x.rbacRole !== undefined ? mailboxes : [], sendAs };
}

function readCredentialKind(args: ProvisionArgs): CredentialKind {
  const kind = args.credential ?? 'secret';
  if (kind !== 'secret' && kind !== 'certificate')
    throw new UsageError(`--credential: '${kind}' is not secret or certificate.`, { flag: '--credential' });
  if (kind === 'secret' && args.certificateOut !== undefined)
    throw new UsageError('--certificate-out needs --credential certificate.', { flag: '--certificate-out' });
  return kind;
}

/** The profile's certificate view (src/profiles/certificate-outputs.ts), or exit 2 naming --credential. */
function requireCertificateProfile(profile: Profile, model: ModelName): Profile {
  const view = certificateProfile(profile, model);
  if (view) return view;
  const why =
    MODELS[model].tokenResource === 'user'
      ? `model '${model}' signs in as a user through the product's own OAuth flow`
      : `${profile.product} takes a client secret only: its form has no place for a certificate`;
  throw new UsageError(`--credential certificate cannot be used with profile '${profile.name}': ${why}.`, {
    flag: '--credential',
    suggestion: `Use --credential secret with this profile, or a generic profile (generic-smtp, generic-graph …) for certificate sign-in.`,
  });
}

function extensionFor(format: string): string {
  return format === 'text' ? 'txt' : format === 'js' ? 'js' : format;
}

/**
 * The local side of a provision, checked before sign-in (exit 2, nothing sent): every file the run
 * may write, the Exchange certificate a local run reads, and the state directory. Found only after
 * the secret was minted, any of these would leave a secret no file holds.
 */
export async function checkProvisionPreconditions(request: ProvisionRequest, env: NodeJS.ProcessEnv): Promise<void> {
  await checkOutputPath(request.output.outPath, '--out');
  if (request.output.certificateOut !== undefined) await checkOutputPath(request.output.certificateOut, '--certificate-out');
  if (modelNeedsExchange(request.desired.model) && request.exchange.mode !== 'skip' && request.exchange.mode !== 'api') {
    await checkOutputPath(request.exchange.scriptPath, '--script-out');
    await checkExchangeFiles(request.exchange, env);
  }
  await checkStateDirectory(env);
}
