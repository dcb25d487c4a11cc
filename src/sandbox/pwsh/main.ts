import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { assertKnownCommands } from './commands.ts';
import { findSyntaxError, parsePowerShell } from './grammar.ts';
import { Interpreter } from './interpreter.ts';
import { PSRuntimeError, UnsupportedConstructError } from './runtime-error.ts';
import { readPwshSession, SESSION_ENV } from './session.ts';

/**
 * The sandbox's stand-in for `pwsh` (invoked by the wrapper writePwshStandIn writes, as
 * `pwsh -NoProfile -NonInteractive -File <script>`). It parses the script with the same PowerShell
 * grammar the tests use and interprets the small subset our templates are written in: assignments,
 * if/elseif/else, foreach, for, while, try/catch, throw, hashtables, arrays, [pscustomobject],
 * comparisons, -not/-and/-or, member access, Where-Object { … }, Write-Output/Write-Host,
 * ConvertTo-Json, Start-Sleep (scaled: 10 ms per second by default), Connect-/Disconnect-
 * ExchangeOnline and the Exchange cmdlets the sandbox knows, each as one InvokeCommand call.
 * Anything else fails closed: exit 1 and "stand-in does not support …" on stderr. Cmdlets invoked
 * are echoed to stderr like a transcript; the script's output goes to stdout.
 */
export async function runStandIn(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const scriptPath = parseArguments(argv);
  if (scriptPath === undefined) {
    process.stderr.write('the pwsh stand-in supports only: -NoProfile -NonInteractive -File <script>\n');
    return 64;
  }
  const sessionPath = env[SESSION_ENV];
  if (!sessionPath) {
    process.stderr.write(`the pwsh stand-in needs ${SESSION_ENV} (set by its wrapper)\n`);
    return 64;
  }
  const session = await readPwshSession(sessionPath);
  if (session.caPath && existsSync(session.caPath)) {
    setDefaultCACertificates([...getCACertificates('default'), readFileSync(session.caPath, 'utf8')]);
  }
  const tree = await parsePowerShell(await readFile(scriptPath, 'utf8'));
  const syntaxError = findSyntaxError(tree.rootNode);
  if (syntaxError) {
    process.stderr.write(
      `ParserError: ${scriptPath}:${syntaxError.startPosition.row + 1}: unexpected '${syntaxError.text.slice(0, 60)}'\n`,
    );
    return 1;
  }
  const interpreter = new Interpreter({
    session,
    env,
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  try {
    assertKnownCommands(tree.rootNode);
    await interpreter.run(tree.rootNode);
    return 0;
  } catch (error) {
    if (error instanceof UnsupportedConstructError) process.stderr.write(`${error.message}\n`);
    else if (error instanceof PSRuntimeError) process.stderr.write(`${error.cmdlet ?? 'Exception'}: ${error.message}\n`);
    else throw error;
    return 1;
  }
}

/** `-NoProfile -NonInteractive -File <script>` in any order and letter case; anything else → undefined. */
function parseArguments(argv: readonly string[]): string | undefined {
  let scriptPath: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!.toLowerCase();
    if (arg === '-noprofile' || arg === '-noninteractive') continue;
    if (arg === '-file' && argv[i + 1] !== undefined && scriptPath === undefined) {
      scriptPath = argv[i + 1];
      i += 1;
      continue;
    }
    return undefined;
  }
  return scriptPath;
}

// Run only as the process's entry file (the wrapper execs it), not when imported by tests.
if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  // A promise, not a top-level await: the build is a classic script (scripts/build.ts).
  void runStandIn(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  });
}
