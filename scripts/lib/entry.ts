import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * What a test or a campaign runs as a child process: the bundle (dist/, what the package ships)
 * when it is newer than every input of the build, else the sources. `npm test` and
 * `npm run reliability` build first, so they run the bundle, which starts in about a tenth of the
 * CPU time of the sources (README.md, Development); a test run by hand after an edit gets the
 * sources, so what runs is always what is on disk.
 */
const root = new URL('../../', import.meta.url);
const path = (p: string) => fileURLToPath(new URL(p, root));

/** Build inputs (scripts/build.ts): the sources, the data it embeds or copies, and itself. */
const INPUTS = ['src', 'profiles', 'schemas', 'templates', 'package.json', 'package-lock.json', 'scripts/build.ts', 'scripts/build'];

function newestMtime(p: string): number {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(p)) newest = Math.max(newest, newestMtime(`${p}/${name}`));
  return newest;
}

function builtMtime(): number | undefined {
  try {
    return Math.min(statSync(path('dist/main.cjs')).mtimeMs, statSync(path('dist/sandbox/pwsh/main.js')).mtimeMs);
  } catch {
    return undefined;
  }
}

const built = builtMtime();
/** True when dist/ was built after the last change to any build input. */
export const BUNDLE_IS_FRESH = built !== undefined && INPUTS.every((p) => newestMtime(path(p)) <= built);

/** The CLI's entry: `node <CLI_MAIN> …` runs entra-mail. */
export const CLI_MAIN = BUNDLE_IS_FRESH ? path('dist/main.cjs') : path('src/main.ts');
/** The sandbox's pwsh stand-in entry, for `startSandbox({ pwshEntry })`. */
export const PWSH_STAND_IN = BUNDLE_IS_FRESH ? path('dist/sandbox/pwsh/main.js') : path('src/sandbox/pwsh/main.ts');
