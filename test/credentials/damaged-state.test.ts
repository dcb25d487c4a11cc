import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/**
 * Damaged state is an error, not a crash (docs/local-safety.md): each damaged journal stops
 * provision and rotate with exit 5, the journal's path and what to do, no stack trace, and no
 * change to the tenant; a newer journal is refused and left byte for byte as it was.
 */
describe('a damaged journal', () => {
  let t: Tenant;
  let journal: string;
  const provision = ['--model', 'smtp', '--name', 'Journal Case', '--mailbox', 'noreply@contoso.com', '--exchange', 'skip'];
  const credentialsOnTheApp = () =>
    t.sandbox.snapshot().applications.find((a) => a.uniqueName === 'journal-case')?.passwordCredentials.length;

  before(async () => {
    t = await startTestTenant();
    const first = await runCli(['provision', ...t.common, ...provision], { env: t.env, cwd: t.dir });
    assert.equal(first.code, 0, first.stderr);
    const tenantDir = join(t.dir, 'state', t.sandbox.settings.tenantId);
    journal = join(tenantDir, (await readdir(tenantDir)).find((f) => f.startsWith('journal-case')) as string);
  });
  after(() => t.close());

  const damages: [string, () => Promise<void>][] = [
    ['empty', () => writeFile(journal, '')],
    ['truncated', () => writeFile(journal, '{"version":1,"tenantId":"x","credentials":[{"mar')],
    ['binary', () => writeFile(journal, Buffer.from([0, 159, 146, 150, 255, 0, 1]))],
    ['a list of nulls', () => writeFile(journal, '{"version":1,"tenantId":"x","uniqueName":"journal-case","credentials":[null]}')],
    [
      'a directory',
      async () => {
        await rm(journal, { force: true });
        await mkdir(journal);
      },
    ],
  ];

  for (const [kind, damage] of damages) {
    for (const command of ['provision', 'rotate'] as const) {
      it(`${kind}: ${command} exits 5 naming the journal and the way out, changing nothing`, async () => {
        await rm(journal, { recursive: true, force: true });
        await damage();
        const before = credentialsOnTheApp();
        const argv =
          command === 'provision'
            ? ['provision', ...t.common, ...provision, '--new-secret']
            : ['rotate', ...t.common, '--app', 'journal-case', '--out', 'rotated.env'];
        const r = await runCli(argv, { env: t.env, cwd: t.dir });
        assert.equal(r.code, 5, r.stderr);
        assert.ok(r.stderr.includes(journal), r.stderr);
        assert.ok(r.stderr.includes(`mv '${journal}'`), r.stderr);
        assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
        assert.doesNotMatch(r.stderr, /this is a bug/i);
        assert.equal(credentialsOnTheApp(), before, 'no credential was minted or removed');
      });
    }
  }

  it('a newer journal is refused by provision and rotate and left exactly as it was', async () => {
    await rm(journal, { recursive: true, force: true });
    const newer = `${JSON.stringify({ version: 2, tenantId: t.sandbox.settings.tenantId, uniqueName: 'journal-case', credentials: [], sinks: { extra: true } })}\n`;
    await writeFile(journal, newer, { mode: 0o600 });
    for (const argv of [
      ['provision', ...t.common, ...provision, '--new-secret'],
      ['rotate', ...t.common, '--app', 'journal-case', '--out', 'rotated.env'],
    ]) {
      const r = await runCli(argv, { env: t.env, cwd: t.dir });
      assert.equal(r.code, 5, r.stderr);
      assert.match(r.stderr, /newer entra-mail/);
      assert.equal(await readFile(journal, 'utf8'), newer);
    }
  });
});

describe('the state directory', () => {
  let t: Tenant;
  before(async () => {
    t = await startTestTenant();
  });
  after(() => t.close());
  const argv = (name: string) => [
    'provision',
    ...t.common,
    '--model',
    'smtp',
    '--name',
    name,
    '--mailbox',
    'noreply@contoso.com',
    '--exchange',
    'skip',
  ];

  it('is created 0700 under umask 000, with its tenant directory and a 0600 journal', async () => {
    const previous = process.umask(0);
    try {
      const r = await runCli(argv('Umask Case'), { env: t.env, cwd: t.dir });
      assert.equal(r.code, 0, r.stderr);
    } finally {
      process.umask(previous);
    }
    const state = join(t.dir, 'state');
    const tenantDir = join(state, t.sandbox.settings.tenantId);
    assert.equal((await stat(state)).mode & 0o777, 0o700);
    assert.equal((await stat(tenantDir)).mode & 0o777, 0o700);
    for (const f of await readdir(tenantDir)) assert.equal((await stat(join(tenantDir, f))).mode & 0o777, 0o600);
  });

  it('one that others can write is refused before any request (exit 2)', async () => {
    const open = join(t.dir, 'open-state');
    await mkdir(open);
    await chmod(open, 0o777);
    const before = t.sandbox.ctx.log.length;
    const r = await runCli(argv('Open State'), { env: { ...t.env, ENTRA_MAIL_STATE_DIR: open }, cwd: t.dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /ENTRA_MAIL_STATE_DIR: .*open-state can be written by other users/);
    assert.deepEqual(t.sandbox.ctx.log.slice(before), []);
  });

  it('a file in its place is refused before any request (exit 2)', async () => {
    const file = join(t.dir, 'state-file');
    await writeFile(file, 'x');
    const before = t.sandbox.ctx.log.length;
    const r = await runCli(argv('File State'), { env: { ...t.env, ENTRA_MAIL_STATE_DIR: file }, cwd: t.dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /is not a directory/);
    assert.deepEqual(t.sandbox.ctx.log.slice(before), []);
  });
});
