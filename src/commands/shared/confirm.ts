import { createInterface } from 'node:readline/promises';
import { type Deps, stdinIsTerminal } from '../../core/deps.ts';
import { UsageError } from '../../core/errors.ts';
import { paletteFor, type Palette } from '../../core/style.ts';
import type { Change } from '../../provision/types.ts';

/**
 * Plan, then ask: the one confirmation every command that changes a tenant goes through
 * (Terraform's apply shows the plan and changes nothing until someone answers yes).
 *
 * - `--yes` approves without asking (runbooks).
 * - Without a terminal (CI, pipes, cron) there is no one to ask: the command proceeds as it always
 *   has, or — for changes that cannot be undone — insists on `--yes` with exit 2 before anything
 *   is sent (`assertConfirmable`, called before sign-in).
 * - In a terminal the plan and its warnings go to stderr (stdout stays for data), then the question.
 *   Anything but yes, an empty line, EOF or Ctrl-D means no.
 */
export interface ConfirmRequest {
  /** The plan, one line per change, already formatted (`formatChanges` does it for `Change`s). */
  plan: string[];
  /** Printed after the plan as "Warning: …" (tenant-wide grants, consent removed, permanent deletion). */
  warnings?: string[];
  /** The question without the answer hint, e.g. "Apply these 4 changes to tenant contoso.onmicrosoft.com?". */
  question: string;
  /**
   * An exact word to type instead of y/yes, for what cannot be undone (e.g. the app's unique name
   * before a permanent delete), as GitHub asks for a repository's name before deleting it.
   */
  expect?: string;
  /** `--yes` was given. */
  yes: boolean;
}

/** How the question was settled. Only `declined` stops the command. */
export type ConfirmOutcome = 'approved' | 'yes-flag' | 'no-terminal' | 'declined';

/** A prompt is possible only when someone can both see it (stderr) and answer it (stdin). */
export function canPrompt(deps: Pick<Deps, 'stdin' | 'stdinIsTTY' | 'stderr'>): boolean {
  return stdinIsTerminal(deps) && Boolean(deps.stderr.isTTY);
}

/**
 * For changes that cannot be undone: without a terminal, `--yes` is required. Call it before
 * sign-in so the refusal is a usage error (exit 2: nothing was sent to any service).
 */
export function assertConfirmable(
  deps: Pick<Deps, 'stdin' | 'stdinIsTTY' | 'stderr'>,
  options: { yes: boolean; dryRun?: boolean; what: string },
): void {
  if (options.yes || options.dryRun || canPrompt(deps)) return;
  throw new UsageError(`${options.what}; there is no terminal to ask, so pass --yes to confirm.`, { flag: '--yes' });
}

/** Shows the plan and asks (see the interface above); never prompts without a terminal. */
export async function confirmPlan(
  request: ConfirmRequest,
  deps: Pick<Deps, 'stdin' | 'stdinIsTTY' | 'stderr'> & { env?: NodeJS.ProcessEnv },
): Promise<ConfirmOutcome> {
  if (request.yes) return 'yes-flag';
  if (!canPrompt(deps)) return 'no-terminal';
  const palette = paletteFor(deps.stderr, deps.env ?? {});
  const plan = request.plan.map((line) => paintPlanLine(line, palette));
  const warnings = (request.warnings ?? []).map((w) => `${palette.warn('Warning:')} ${w}`);
  deps.stderr.write(`${[...plan, ...(warnings.length > 0 ? ['', ...warnings] : [])].join('\n')}\n\n`);
  const hint = request.expect !== undefined ? `type '${request.expect}' to confirm` : 'y/N';
  const answer = await ask(deps, `${request.question} [${hint}] `);
  const approved = request.expect !== undefined ? answer === request.expect : /^y(es)?$/i.test(answer);
  return approved ? 'approved' : 'declined';
}

/** The line a command prints when the answer was no. */
export function describeDeclined(tenant: string): string {
  return `Nothing was changed in tenant ${tenant}.\n`;
}

const SYMBOL: Record<Change['action'], string> = { create: '+', update: '~', remove: '-', none: ' ' };

/** Terraform-style plan lines: `+ create`, `~ update`, `- remove`; unchanged steps are left out. */
export function formatChanges(changes: Change[]): string[] {
  return changes
    .filter((c) => c.action !== 'none')
    .map((c) => `  ${SYMBOL[c.action]} ${c.action.padEnd(6)} ${c.step.padEnd(17)} ${c.summary}`);
}

/** `+` lines green, `~` yellow, `-` red, as Terraform colours its plan. */
function paintPlanLine(line: string, palette: Palette): string {
  const symbol = line.trimStart()[0];
  return symbol === '+' ? palette.ok(line) : symbol === '~' ? palette.warn(line) : symbol === '-' ? palette.bad(line) : line;
}

async function ask(deps: Pick<Deps, 'stdin' | 'stdinIsTTY' | 'stderr'>, question: string): Promise<string> {
  // terminal: false — the terminal's own line editing echoes the answer; readline only reads a line.
  const rl = createInterface({ input: deps.stdin, output: deps.stderr as NodeJS.WritableStream, terminal: false });
  try {
    const closed = new Promise<string>((resolve) => rl.once('close', () => resolve('')));
    return (await Promise.race([rl.question(question), closed])).trim();
  } finally {
    rl.close();
  }
}
