import assert from 'node:assert/strict';
import { mkdir, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startTestTenant } from '../helpers/cli.ts';

/**
 * The file checks run before the first request; a path that goes bad after them (here: a directory
 * appears where --out was free) fails at the write. That failure is exit 5, not 2, and says what
 * is in the tenant and where the new secret is (in no file); the next run removes that secret.
 */
describe('a config that cannot be written after the secret was minted', () => {
  let t: Awaited<ReturnType<typeof startTestTenant>>;
  before(async () => {
    t = await startTestTenant({ knobs: { latencyMs: 150 } });
  });
  after(() => t.close());

  it('exits 5 naming the file, the changes and the unheld secret; the rerun converges to one held secret', async () => {
    const out = join(t.dir, 'late.env');
    const argv = [
      'provision',
      ...t.common,
      '--model',
      'smtp',
      '--name',
      'Late Case',
      '--mailbox',
      'noreply@contoso.com',
      '--exchange',
      'skip',
      '--out',
      out,
    ];
    const running = runCli(argv, { env: t.env, cwd: t.dir });
    while (!t.sandbox.ctx.log.some((e) => e.method === 'POST' && e.path.endsWith('/addPassword')))
      await new Promise((r) => setTimeout(r, 20));
    await mkdir(out);
    const r = await running;
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /late\.env/);
    assert.match(r.stderr, /In the tenant now: application, service-principal/);
    assert.match(r.stderr, /is in no file/);
    assert.doesNotMatch(r.stderr, /nothing was sent/);

    await rmdir(out);
    const again = await runCli(argv, { env: t.env, cwd: t.dir });
    assert.equal(again.code, 0, again.stderr);
    const app = t.sandbox.snapshot().applications.find((a) => a.uniqueName === 'late-case');
    assert.equal(app?.passwordCredentials.length, 1, 'the unheld secret was removed, the new one is the only one');
    assert.match(await readFile(out, 'utf8'), new RegExp(app?.passwordCredentials[0]?.hint ?? 'x'));
  });
});
