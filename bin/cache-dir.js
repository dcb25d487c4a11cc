// The tool's cache directory, one rule for the token cache (src/auth/token-cache.ts) and the
// bundle's code cache (bin/run-bundle.js): $XDG_CACHE_HOME on Linux (default ~/.cache), the
// platform's own elsewhere; ENTRA_MAIL_CACHE_DIR wins. Plain JavaScript for any Node.js, like check-node.js.

/** `<cache>/entra-mail` for this user. */
export function toolCacheDir(env, platform, home) {
  if (env.ENTRA_MAIL_CACHE_DIR) return env.ENTRA_MAIL_CACHE_DIR;
  const { join } = process.getBuiltinModule('node:path');
  const user = env.HOME || home;
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(user, 'AppData', 'Local'), 'entra-mail');
  if (platform === 'darwin') return join(user, 'Library', 'Caches', 'entra-mail');
  return join(env.XDG_CACHE_HOME || join(user, '.cache'), 'entra-mail');
}
