import { createHash } from 'node:crypto';
import { writeSecretFile } from '../core/write-secret-file.ts';
import type { ExchangeConnectOptions, ExchangeScriptInput, ExchangeScriptResult } from '../exchange/script.ts';
import { renderExchangeScript } from '../exchange/script.ts';
import { runExchangeScript } from '../exchange/runner.ts';
import type { Clock } from '../core/clock.ts';
import { MODELS, type ModelName } from '../core/models.ts';
import type { Change, Desired } from './types.ts';

export const EXCHANGE_MODES = ['script', 'run', 'api', 'skip'] as const;
export type ExchangeMode = (typeof EXCHANGE_MODES)[number];

export interface ExchangeOptions {
  mode: ExchangeMode;
  scriptPath: string;
  pwshPath: string;
  connect: ExchangeConnectOptions;
  exchangeEnvironmentName: string;
  /** enaio's "Send as" for webclient users: these identities grant SendAs. */
  sendAsIdentities: string[];
  enableSmtpAuth: boolean;
  generatedBy: string;
  /** The environment pwsh inherits (Deps.env, minus the admin's secrets: src/exchange/runner.ts). */
  environment: NodeJS.ProcessEnv;
  /** `--exchange-timeout` in ms (pwsh is stopped after it, exit 6). */
  timeoutMs?: number;
  /** stdin is a terminal, so pwsh may use it. */
  interactive?: boolean;
  /** `--exchange api` (experimental): where and as whom the admin endpoint is called; set after sign-in. */
  api?: ExchangeApiAccess;
}

/** What `--exchange api` needs from the command: the endpoint and a token for the Exchange resource. */
export interface ExchangeApiAccess {
  endpoint: string;
  getToken: () => Promise<string>;
  /** `--verbose`: one line per call (cmdlet, status, request-id). */
  onRequest?: (line: string) => void;
  deadlineMs: number;
}

/** Does the model have anything to do in Exchange (README.md#authorization-models---model)? */
export function modelNeedsExchange(model: ModelName): boolean {
  const x = MODELS[model].exchange;
  return x.servicePrincipal || x.smtpAuth || x.fullAccess || x.rbacRole !== undefined;
}

/** Placeholders shown by --dry-run for ids Graph has not assigned yet (distinct: the script refuses equal ids). */
export const KNOWN_AFTER_APPLY = {
  appId: '00000000-0000-0000-0000-00000000000a',
  servicePrincipalId: '00000000-0000-0000-0000-00000000000b',
} as const;

export function buildExchangeInput(
  desired: Desired,
  ids: { appId: string; servicePrincipalId: string; tenantId: string },
  options: ExchangeOptions,
): ExchangeScriptInput {
  return {
    model: desired.model,
    appId: ids.appId,
    servicePrincipalId: ids.servicePrincipalId,
    displayName: desired.displayName,
    mailboxes: desired.mailboxes,
    sendAs: options.sendAsIdentities.length ? { identities: options.sendAsIdentities } : undefined,
    enableSmtpAuth: options.enableSmtpAuth,
    connect: options.connect,
    exchangeEnvironmentName: options.exchangeEnvironmentName,
    tenantId: ids.tenantId,
    generatedBy: options.generatedBy,
  };
}

export function planExchange(desired: Desired, options: ExchangeOptions): Change {
  if (!modelNeedsExchange(desired.model) || options.mode === 'skip') {
    return {
      step: 'exchange',
      action: 'none',
      summary: modelNeedsExchange(desired.model)
        ? 'Exchange step skipped (--exchange skip)'
        : `model ${desired.model} needs nothing in Exchange`,
    };
  }
  if (options.mode === 'api') {
    return {
      step: 'exchange',
      action: 'update',
      summary: 'converge the Exchange Online objects through the admin API (experimental): each is read before it is changed',
    };
  }
  // Writing the script is a file here, not a change to the tenant: `--dry-run --detailed-exitcode`
  // exits 0 on a converged app with --exchange script. Running it may change Exchange, which only
  // the script's own checks can tell: a dry run asks them (src/provision/exchange-plan-run.ts) once
  // the app exists, and this line stands until then.
  if (options.mode === 'script') {
    return {
      step: 'exchange',
      action: 'none',
      summary: `write the Exchange Online script ${options.scriptPath} (no change to the tenant)`,
    };
  }
  return {
    step: 'exchange',
    action: 'update',
    summary: `write and run the Exchange Online script ${options.scriptPath} (it checks before it creates)`,
  };
}

export interface ExchangeOutcome {
  mode: ExchangeMode;
  status: 'generated' | 'applied' | 'skipped' | 'pending' | 'planned';
  scriptPath: string | null;
  result?: ExchangeScriptResult;
  /** `--exchange api --dry-run`: the writes a run would send, in order. */
  calls?: { cmdlet: string; parameters: Record<string, unknown> }[];
}

/**
 * Apply: write the script (not secret, but written atomically so a half script never runs), and
 * with `--exchange run` run exactly that file.
 */
/** `onLine` gets pwsh's output as it comes (the device-code sign-in prints what the admin must do). */
export async function applyExchange(
  script: string | undefined,
  options: ExchangeOptions,
  onLine?: (line: string) => void,
): Promise<ExchangeOutcome> {
  if (script === undefined) return { mode: options.mode, status: 'skipped', scriptPath: null };
  const sha256 = await writeScriptFile(options.scriptPath, script, '--script-out');
  if (options.mode !== 'run') return { mode: options.mode, status: 'generated', scriptPath: options.scriptPath };
  const result = await runScriptFile(options, options.scriptPath, sha256, onLine);
  return { mode: options.mode, status: result.status === 'pending' ? 'pending' : 'applied', scriptPath: options.scriptPath, result };
}

/**
 * `--exchange api` (experimental): the script's objects through the admin endpoint, one call per
 * cmdlet; `removal` for deprovision. With `dryRun` the reads run and the writes are only listed.
 */
export async function applyExchangeApi(
  input: ExchangeScriptInput,
  options: ExchangeOptions,
  clock: Clock,
  direction: { removal?: boolean; dryRun?: boolean } = {},
): Promise<ExchangeOutcome> {
  const access = options.api;
  if (!access) throw new Error('--exchange api needs the admin endpoint and token (set after sign-in)');
  const [{ ExchangeAdminApi }, { applyExchangeViaApi }, { removeExchangeViaApi }] = await Promise.all([
    import('../exchange/admin-api/client.ts'),
    import('../exchange/admin-api/apply.ts'),
    import('../exchange/admin-api/remove.ts'),
  ]);
  const deadlineAt = clock.nowMs() + access.deadlineMs;
  const api = new ExchangeAdminApi({
    endpoint: access.endpoint,
    tenantId: input.tenantId,
    getToken: access.getToken,
    clock,
    deadlineAt,
    dryRun: direction.dryRun === true,
    ...(access.onRequest ? { onRequest: access.onRequest } : {}),
  });
  const result = direction.removal ? await removeExchangeViaApi(input, api) : await applyExchangeViaApi(input, api, clock, deadlineAt);
  if (direction.dryRun) return { mode: 'api', status: 'planned', scriptPath: null, result, calls: api.plannedWrites };
  return { mode: 'api', status: result.status === 'pending' ? 'pending' : 'applied', scriptPath: null, result };
}

export function renderScriptFor(
  desired: Desired,
  ids: { appId: string; servicePrincipalId: string; tenantId: string },
  options: ExchangeOptions,
): string | undefined {
  if (!modelNeedsExchange(desired.model) || options.mode === 'skip' || options.mode === 'api') return undefined;
  return renderExchangeScript(buildExchangeInput(desired, ids, options));
}

/**
 * The script holds no secret, but it runs with the admin's Exchange rights: it is written like a
 * secret (an exclusive temp file with an unpredictable name that follows no symlink, 0600, then a
 * rename), and its SHA-256 goes to the runner, which refuses to start pwsh on anything else.
 */
export async function writeScriptFile(path: string, content: string, what: string): Promise<string> {
  await writeSecretFile(path, content, { what });
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/** Runs exactly the file written (its SHA-256 is checked before pwsh starts), with the step's pwsh, environment and deadline. */
export function runScriptFile(
  options: ExchangeOptions,
  scriptPath: string,
  sha256: string,
  onLine?: (line: string) => void,
): Promise<ExchangeScriptResult> {
  return runExchangeScript({
    pwshPath: options.pwshPath,
    scriptPath,
    environment: options.environment,
    expectedSha256: sha256,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    interactive: options.interactive ?? false,
    ...(onLine ? { onLine } : {}),
  });
}
