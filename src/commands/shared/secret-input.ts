import { readFile } from 'node:fs/promises';
import type { Deps } from '../../core/deps.ts';
import { UsageError } from '../../core/errors.ts';
import { Secret } from '../../core/secret.ts';
import { hasControlCharacter } from '../../core/validate.ts';
import { assertNotSecretId, readSecretFromFile } from './secret-file.ts';

export interface SecretInputArgs {
  secretEnv?: string;
  secretFile?: string;
  secretStdin?: boolean;
}

export const DEFAULT_SECRET_ENV = 'ENTRA_MAIL_CLIENT_SECRET';

/**
 * An app secret enters from an environment variable, a file or stdin — never argv, where
 * `ps` and shell history would see it (README.md#secrets).
 */
export async function readSecretInput(args: SecretInputArgs, deps: Pick<Deps, 'env' | 'stdin'>): Promise<Secret> {
  const sources = [args.secretEnv !== undefined, args.secretFile !== undefined, Boolean(args.secretStdin)].filter(Boolean).length;
  if (sources > 1)
    throw new UsageError('Give the secret one way only: --secret-env, --secret-file or --secret-stdin.', { flag: '--secret-file' });
  let value: string | undefined;
  if (args.secretFile !== undefined) {
    try {
      value = readSecretFromFile(await readFile(args.secretFile, 'utf8'), args.secretFile);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`--secret-file: cannot read '${args.secretFile}'.`, { flag: '--secret-file' });
    }
  } else if (args.secretStdin) {
    value = (await readAll(deps.stdin)).split(/\r?\n/)[0];
  } else {
    const name = args.secretEnv ?? DEFAULT_SECRET_ENV;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new UsageError(`--secret-env: '${name}' is not an environment variable name.`, { flag: '--secret-env' });
    value = deps.env[name];
    if (!value)
      throw new UsageError(`The app's secret was not found: set ${name}, or use --secret-file / --secret-stdin.`, { flag: '--secret-env' });
  }
  const trimmed = value?.trim();
  if (!trimmed) throw new UsageError('The app secret given is empty.', { flag: '--secret-file' });
  if (hasControlCharacter(trimmed)) throw new UsageError('The app secret contains control characters.', { flag: '--secret-file' });
  assertNotSecretId(trimmed);
  return new Secret(trimmed);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}
