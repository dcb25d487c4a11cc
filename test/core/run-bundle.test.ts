import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { cacheToSave, codeCacheDir, codeCacheName } from '../../bin/run-bundle.js';
import { cacheDirectory } from '../../src/auth/token-cache.ts';

/** bin/run-bundle.js: which code cache file a run reads and which it leaves (docs/performance.md, "A code cache that holds what ran"). */
describe('the bundle’s code cache', () => {
  it('lives where the token cache does, in code-cache/, and not at all with NODE_DISABLE_COMPILE_CACHE', () => {
    assert.equal(codeCacheDir({}, 'linux', '/home/a'), '/home/a/.cache/entra-mail/code-cache');
    assert.equal(codeCacheDir({ XDG_CACHE_HOME: '/x' }, 'linux', '/home/a'), '/x/entra-mail/code-cache');
    assert.equal(codeCacheDir({ ENTRA_MAIL_CACHE_DIR: '/c' }, 'linux', '/home/a'), '/c/code-cache');
    assert.equal(codeCacheDir({}, 'darwin', '/Users/a'), '/Users/a/Library/Caches/entra-mail/code-cache');
    assert.equal(codeCacheDir({ NODE_DISABLE_COMPILE_CACHE: '1' }, 'linux', '/home/a'), undefined);
  });

  it('finds the tool’s cache directory by the token cache’s rule, on every platform', () => {
    const envs = [{}, { XDG_CACHE_HOME: '/x' }, { ENTRA_MAIL_CACHE_DIR: '/c' }, { LOCALAPPDATA: 'C:\\L' }, { HOME: '/h' }];
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      for (const env of envs) {
        const withHome = { HOME: '/home/a', ...env };
        assert.equal(
          codeCacheDir(withHome, platform, '/unused'),
          join(cacheDirectory(withHome, platform), 'code-cache'),
          `${platform} ${JSON.stringify(env)}`,
        );
      }
    }
  });

  it('is one file per build, Node.js, V8 flags and command', () => {
    const name = (execArgv: string[], args: string[]) => codeCacheName('0123456789abcdef0123', 'v24.1.0', 'x64', execArgv, args);
    assert.match(name([], ['provision', '--json']), /^0123456789abcdef-v24\.1\.0-x64-[0-9a-f]{8}-provision\.bin$/);
    assert.notEqual(name([], ['provision']), name([], ['status']));
    assert.notEqual(name([], ['rotate', '--all']), name(['--max-semi-space-size=1'], ['rotate', '--all']));
    assert.match(name([], ['--help']), /-options\.bin$/);
    assert.match(name([], []), /-help\.bin$/);
    assert.match(name([], ['../../etc/passwd']), /-other\.bin$/);
  });

  it('is left whole by a run that did its work (exit 0, or 10 with something to look at), else partial, and each only once', () => {
    assert.equal(cacheToSave(0, ['provision'], 'none'), 'whole');
    assert.equal(cacheToSave(10, ['status'], 'none'), 'whole');
    assert.equal(cacheToSave(0, ['provision'], 'partial'), 'whole');
    assert.equal(cacheToSave(0, ['provision'], 'whole'), undefined);
    for (const args of [
      ['provision', '--help'],
      ['provision', '-h'],
      ['provision', '--dry-run'],
    ]) {
      assert.equal(cacheToSave(0, args, 'none'), 'partial', args.join(' '));
      assert.equal(cacheToSave(0, args, 'partial'), undefined, args.join(' '));
    }
    assert.equal(cacheToSave(2, ['provision', '--bogus'], 'none'), 'partial');
    assert.equal(cacheToSave(3, ['provision'], 'partial'), undefined);
    assert.equal(cacheToSave(3, ['provision'], 'whole'), undefined);
  });
});
