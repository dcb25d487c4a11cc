import { mkdir, readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeSecretFile } from '../core/write-secret-file.ts';

/**
 * The admin's sign-in, remembered between commands the way the Azure SDKs do it: MSAL's own
 * serialized token cache (https://learn.microsoft.com/entra/msal/javascript/node/caching) in a file,
 * plus the non-secret AuthenticationRecord that tells the credential which cached account to use
 * silently (@azure/identity's `authenticationRecord`). See docs/sign-in.md for why the file is the
 * unencrypted storage @azure/identity-cache-persistence falls back to where no keyring exists.
 */

/** The user's cache directory: $XDG_CACHE_HOME on Linux (default ~/.cache), the platform's own elsewhere; ENTRA_MAIL_CACHE_DIR wins. */
export function cacheDirectory(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  if (env.ENTRA_MAIL_CACHE_DIR) return env.ENTRA_MAIL_CACHE_DIR;
  const home = env.HOME || homedir();
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'entra-mail');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'entra-mail');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'entra-mail');
}

/** Opted out with --no-token-cache or ENTRA_MAIL_TOKEN_CACHE=off. */
export function tokenCacheEnabled(env: NodeJS.ProcessEnv, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  return !['off', '0', 'false', 'no'].includes((env.ENTRA_MAIL_TOKEN_CACHE ?? '').toLowerCase());
}

/** The part of MSAL's ICachePlugin / TokenCacheContext contract a file store needs. */
interface CacheContext {
  cacheHasChanged: boolean;
  tokenCache: { serialize(): string; deserialize(cache: string): void };
}

/** MSAL's cache in one file: read before each access, written (0600, atomically) after a change. */
export function fileCachePlugin(path: string) {
  return {
    async beforeCacheAccess(context: CacheContext): Promise<void> {
      const text = await readFile(path, 'utf8').catch(() => undefined);
      if (text) context.tokenCache.deserialize(text);
    },
    async afterCacheAccess(context: CacheContext): Promise<void> {
      if (context.cacheHasChanged) await writePrivateFile(path, context.tokenCache.serialize());
    },
  };
}

/** What @azure/identity hands a plugin for persistence (the contract @azure/identity-cache-persistence uses). */
interface CachePluginControl {
  setPersistence(factory: (options?: Record<string, unknown>) => Promise<unknown>): void;
}

let registered = false;

/**
 * Registers the file store with @azure/identity through its plugin interface (`useIdentityPlugin`,
 * the one @azure/identity-cache-persistence uses): credentials created with
 * `tokenCachePersistenceOptions: { enabled: true, directory }` then read and write
 * `<directory>/msal.cache.nocae.json` (and `.cae.json`).
 */
export async function registerFileTokenCache(): Promise<void> {
  if (registered) return;
  const { useIdentityPlugin } = await import('@azure/identity');
  useIdentityPlugin((context: unknown) => {
    const control = (context as { cachePluginControl: CachePluginControl }).cachePluginControl;
    control.setPersistence(async (options) => fileCachePlugin(join(String(options?.directory), `${String(options?.name)}.json`)));
  });
  registered = true;
}

/** Where the AuthenticationRecord for this authority and tenant lives. */
export function recordPath(directory: string, authorityHost: string, tenant: string): string {
  const key = `${new URL(authorityHost).host}_${tenant}`.replace(/[^A-Za-z0-9._-]/g, '_');
  return join(directory, 'accounts', `${key}.json`);
}

export async function readRecordText(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

export async function writeRecordText(path: string, text: string): Promise<void> {
  await writePrivateFile(path, text);
}

/** 0600 in a 0700 directory, through a temporary file and a rename (src/core/write-secret-file.ts). */
async function writePrivateFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeSecretFile(path, text);
}

/** logout: the records and MSAL's cache files go; the next command signs in afresh. */
export async function forgetSignIns(directory: string): Promise<void> {
  await rm(join(directory, 'accounts'), { recursive: true, force: true });
  for (const suffix of ['nocae', 'cae']) await rm(join(directory, `msal.cache.${suffix}.json`), { force: true });
}
