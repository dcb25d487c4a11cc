// Runs the package's bundle (dist/main.cjs, scripts/build.ts) with a V8 code cache that holds the
// functions a command ran, not only the ones compiled when the file was first read.
//
// Node.js's own compile cache (module.enableCompileCache) keeps what V8 compiles while reading a
// file: its top level and little more. Every function a run calls later is compiled again on every
// run: yargs, the Azure SDK, MSAL, the Graph client, the tool itself. A vm.Script can make its cache
// at any time, and a cache made after a run holds the functions that run compiled
// (https://nodejs.org/api/vm.html#scriptcreatecacheddata), so the next run of that command reads
// them instead of compiling them (docs/performance.md, "A code cache that holds what ran").
//
// One file per build, Node.js version, V8 flags and command, in the user's own cache directory
// (0700; files 0600, written to a temporary name and renamed). V8 checks the cache against the
// source's length and the flags and refuses it otherwise (vm.Script cachedDataRejected); the build's
// content hash in the name (dist/main.cjs.id) refuses a cache of another build of the same length.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off, as it does Node.js's own.
// Plain JavaScript for any Node.js, like check-node.js.

/**
 * The directory for the code cache: `code-cache` in the tool's cache directory, by the rule of
 * cacheDirectory in src/auth/token-cache.ts (test/core/run-bundle.test.ts holds them together; the
 * bin cannot import the sources, which the package does not ship); undefined when turned off.
 */
export function codeCacheDir(env, platform, home) {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const { join } = process.getBuiltinModule('node:path');
  const user = env.HOME || home;
  const base = env.ENTRA_MAIL_CACHE_DIR
    ? env.ENTRA_MAIL_CACHE_DIR
    : platform === 'win32'
      ? join(env.LOCALAPPDATA || join(user, 'AppData', 'Local'), 'entra-mail')
      : platform === 'darwin'
        ? join(user, 'Library', 'Caches', 'entra-mail')
        : join(env.XDG_CACHE_HOME || join(user, '.cache'), 'entra-mail');
  return join(base, 'code-cache');
}

/**
 * Whoever can write the cache can make this process run their code: a directory another user owns,
 * or that group or others can write to, is not used (docs/local-safety.md). A missing one is made 0700.
 */
function usable(fs, dir) {
  try {
    const info = fs.statSync(dir);
    if (typeof process.getuid === 'function' && info.uid !== process.getuid()) return false;
    return process.platform === 'win32' || (info.mode & 0o022) === 0;
  } catch {
    return true;
  }
}

/** The cache file's name: build, Node.js, the V8 flags given and the command (its first word). */
export function codeCacheName(buildId, nodeVersion, arch, execArgv, args) {
  const command = args.find((a) => !a.startsWith('-')) ?? (args.length === 0 ? 'help' : 'options');
  const word = /^[a-z][a-z-]{0,30}$/.test(command) ? command : 'other';
  return `${buildId.slice(0, 16)}-${nodeVersion}-${arch}-${fnv1a(execArgv.join(' '))}-${word}.bin`;
}

/**
 * Which cache a run leaves at exit, given the one it started with ('whole', 'partial' or 'none').
 * A run that stopped early (an exit code other than 0, or 10: done, with something to look at),
 * only printed help or only planned (--dry-run) compiled part of what the command runs: its cache
 * is a partial one, used until a whole run of the command replaces it, once. Without this, a first
 * `provision --help` would leave every later provision a cache of its argument parsing only.
 */
export function cacheToSave(exitCode, args, loaded) {
  const whole =
    (exitCode === 0 || exitCode === 10) && !args.some((a) => a === '--help' || a === '-h' || a === '--dry-run' || a === '--dry-run=true');
  if (whole) return loaded === 'whole' ? undefined : 'whole';
  return loaded === 'none' ? 'partial' : undefined;
}

/** Runs `bundle` (a classic script: the CommonJS build) in this process. */
export function runBundle(bundle, args) {
  const fs = process.getBuiltinModule('node:fs');
  const vm = process.getBuiltinModule('node:vm');
  const { createRequire } = process.getBuiltinModule('node:module');
  const { dirname, join } = process.getBuiltinModule('node:path');
  const { homedir } = process.getBuiltinModule('node:os');
  // The build escapes every non-ASCII character (scripts/build.ts), so Latin-1 reads the same text as UTF-8,
  // without the UTF-8 decoder's pass over 3 MB.
  const source = fs.readFileSync(bundle, 'latin1');
  const found = codeCacheDir(process.env, process.platform, homedir());
  const dir = found && usable(fs, found) ? found : undefined;
  let name;
  let cachedData;
  let fromWhole = false;
  if (dir) {
    try {
      name = join(
        dir,
        codeCacheName(fs.readFileSync(`${bundle}.id`, 'utf8').trim(), process.version, process.arch, process.execArgv, args),
      );
      cachedData = readIfThere(fs, name);
      fromWhole = cachedData !== undefined;
      cachedData ??= readIfThere(fs, partial(name));
    } catch {
      // No build id: no cache at all.
    }
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (name) {
    const loaded = cachedData === undefined || script.cachedDataRejected ? 'none' : fromWhole ? 'whole' : 'partial';
    process.once('exit', (code) => {
      const save = cacheToSave(code, args, loaded);
      if (save === 'whole') saveCodeCache(fs, dir, name, script, partial(name));
      else if (save === 'partial') saveCodeCache(fs, dir, partial(name), script);
    });
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
}

/** At exit, once: the cache with what this run compiled; the file it replaces and older builds' files go. Never fails the run. */
function saveCodeCache(fs, dir, file, script, replaces) {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    fs.renameSync(temporary, file);
    if (replaces) fs.rmSync(replaces, { force: true });
    const { basename, join } = process.getBuiltinModule('node:path');
    const build = basename(file).slice(0, 16);
    for (const name of fs.readdirSync(dir)) {
      if (!name.startsWith(build) && name.endsWith('.bin')) fs.rmSync(join(dir, name), { force: true });
    }
  } catch {
    // A cache that cannot be written is only slower next time.
  }
}

const partial = (file) => file.replace(/\.bin$/, '.partial.bin');

function readIfThere(fs, file) {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** FNV-1a of a string, as 8 hex digits: a short, stable name for the V8 flags. */
function fnv1a(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
