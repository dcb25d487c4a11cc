import assert from 'node:assert/strict';
import { mkdir, readFile, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, smtpProvision, startTestTenant } from '../helpers/cli.ts';

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
    const argv = smtpProvision(t.common, 'Late Case', '--out', out);
    const running = runCli(argv, { env: t.env, cwd: t.dir });
    // Once the app exists, before its secret is minted (the config is written as soon as it is).
    while (!t.sandbox.ctx.log.some((e) => e.method === 'PATCH' && e.path.startsWith('/v1.0/applications(')))
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

  it('writes the config as soon as the secret exists, while consent is still on its way', async () => {
    const out = join(t.dir, 'early.env');
    const since = t.sandbox.ctx.log.length;
    const argv = smtpProvision(t.common, 'Early Config');
    const r = await runCli([...argv, '--out', out], { env: t.env, cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    const consent = t.sandbox.ctx.log.slice(since).find((e) => e.method === 'POST' && e.path.endsWith('/appRoleAssignedTo'));
    assert.ok(consent, 'the run granted consent');
    const written = (await stat(out)).mtimeMs;
    // The sandbox answers each request 150 ms after it came: the file was in place before consent's answer.
    assert.ok(written < consent.at, `config written ${Math.round(written - consent.at)} ms after consent was answered`);
  });
});
