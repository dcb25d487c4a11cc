import type { Deps } from '../../core/deps.ts';
import { paletteFor } from '../../core/style.ts';
import { describeContext, ExitCode, isEntraMailError, UsageError } from '../../core/errors.ts';

/**
 * The one error handler: what happened, where (step, object, request-id)
 * and the next command. Only main.ts turns the returned code into the process exit code.
 */
export function reportError(
  error: unknown,
  deps: Pick<Deps, 'stdout' | 'stderr'> & { env?: NodeJS.ProcessEnv },
  options: { json: boolean; verbose: boolean; contacted?: boolean },
): number {
  const palette = paletteFor(deps.stderr, deps.env ?? {});
  if (isEntraMailError(error)) {
    const where = describeContext(error);
    const lines = [`${palette.bad('entra-mail:')} ${error.message}`];
    if (where) lines.push(`  (${where})`);
    if (error.suggestion) lines.push(`  next: ${error.suggestion}`);
    // Exit 2 promises that nothing was sent. A usage error found once the tenant had been
    // contacted cannot keep that promise: it exits 5 and says so.
    const late = error instanceof UsageError && options.contacted === true;
    if (error instanceof UsageError && !late) lines.push('  nothing was sent to any service.');
    if (late)
      lines.push('  found after entra-mail had contacted the tenant (exit 5, not 2); the lines above say what was changed, if anything.');
    deps.stderr.write(`${lines.join('\n')}\n`);
    const exitCode = late ? ExitCode.conflict : error.exitCode;
    if (options.json) deps.stdout.write(`${JSON.stringify({ ...error.toJSON(), exitCode }, null, 2)}\n`);
    return exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  deps.stderr.write(
    `${palette.bad('entra-mail:')} unexpected error: ${message}\n  This is a bug; please report it with the command you ran${options.verbose ? '' : ' (add --verbose for the stack)'}.\n`,
  );
  if (options.verbose && error instanceof Error && error.stack) deps.stderr.write(`${error.stack}\n`);
  if (options.json) deps.stdout.write(`${JSON.stringify({ error: 'UnexpectedError', exitCode: ExitCode.bug, message }, null, 2)}\n`);
  return ExitCode.bug;
}
