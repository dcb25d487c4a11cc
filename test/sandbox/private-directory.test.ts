import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UsageError } from '../../src/core/errors.ts';
import { startSandbox } from '../../src/sandbox/index.ts';

/**
 * The sandbox directory holds the pwsh wrapper clients execute and an Exchange admin token
 * (docs/local-safety.md): created 0700 whatever the umask, refused when others can write to it;
 * the wrapper 0700, the session file 0600. A --state the sandbox cannot use is a usage error
 * before it starts, and the start returns (no server is left listening).
 */
describe('the sandbox directory and --state', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'entra-mail-sandbox-dir-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('is created 0700 under umask 000; the wrapper is 0700 and the session file 0600', async () => {
    const dir = join(root, 'new', 'sandbox');
    const previous = process.umask(0);
    let sandbox: Awaited<ReturnType<typeof startSandbox>> | undefined;
    try {
      sandbox = await startSandbox({ dir });
    } finally {
      process.umask(previous);
    }
    try {
      assert.equal((await stat(dir)).mode & 0o777, 0o700);
      assert.equal((await stat(join(root, 'new'))).mode & 0o777, 0o700);
      assert.equal((await stat(sandbox.settings.pwshPath)).mode & 0o777, 0o700);
      assert.equal((await stat(join(dir, 'pwsh-session.json'))).mode & 0o777, 0o600);
    } finally {
      await sandbox.close();
    }
  });

  it('refuses a directory others can write, naming --dir', async () => {
    const dir = join(root, 'open');
    await mkdir(dir);
    await chmod(dir, 0o777);
    await assert.rejects(
      startSandbox({ dir }),
      (e: unknown) => e instanceof UsageError && e.flag === '--dir' && /other users/.test(e.message),
    );
  });

  const states: [string, (dir: string) => Promise<string>][] = [
    ['in a missing directory', async (dir) => join(dir, 'missing', 'state.json')],
    ['that is a directory', async (dir) => dir],
    [
      'that is truncated',
      async (dir) => {
        await writeFile(join(dir, 'state.json'), '{"version":1,"ten');
        return join(dir, 'state.json');
      },
    ],
    [
      'of a newer version',
      async (dir) => {
        await writeFile(join(dir, 'state.json'), '{"version":7}');
        return join(dir, 'state.json');
      },
    ],
  ];
  for (const [label, make] of states) {
    it(`a --state ${label} is a usage error naming --state, and nothing keeps running`, async () => {
      const dir = await mkdtemp(join(root, 'state-'));
      const statePath = await make(dir);
      await assert.rejects(
        startSandbox({ dir: join(dir, 'sb'), statePath }),
        (e: unknown) => e instanceof UsageError && e.flag === '--state',
      );
    });
  }
});
