import { createInterface } from 'node:readline/promises';
import type { Deps } from '../../core/deps.ts';

/** Asks a yes/no question on stderr and reads the answer from stdin; only "y" or "yes" is yes. */
export async function confirm(deps: Deps, question: string): Promise<boolean> {
  const rl = createInterface({ input: deps.stdin, output: deps.stderr as NodeJS.WritableStream });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
