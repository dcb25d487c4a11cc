import { run } from './commands/index.ts';
import { createProcessDeps } from './core/deps.ts';

/**
 * Composition root: builds the real dependencies, runs the CLI and sets the exit code. The only
 * place that touches process.exitCode (house style habit 5).
 */
const deps = await createProcessDeps();
process.exitCode = await run(process.argv.slice(2), deps);
