import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { trustCaFile } from '../../src/commands/shared/connection.ts';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/**
 * An interactive sign-in is remembered between commands (MSAL's token cache in a 0600 file in the
 * user's cache directory, plus the account's AuthenticationRecord), forgotten by logout, and
 * skipped with --no-token-cache. The sandbox approves device codes at once, as a Global Administrator.
 */
describe('sign-in seen and remembered', () => {
  let t: Tenant;
  let cacheDir: string;
  let common: string[];
  let refreshes = false;
  before(async () => {
    t = await startTestTenant();
    cacheDir = join(t.dir, 'cache');
    common = ['--ca-file', t.sandbox.settings.caFile, '--auth', 'device-code'];
    // A silent sign-in redeems the cached refresh token, as MSAL does against Entra; a sandbox that
    // cannot (unsupported_grant_type) would make every command ask again.
    const s = t.sandbox.settings;
    await trustCaFile(s.caFile);
    const answer = await fetch(`${s.authorityHost}/${s.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x', client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46' }),
    });
    refreshes = ((await answer.json()) as { error?: string }).error !== 'unsupported_grant_type';
  });
  after(() => t.close());
  const env = () => ({ ...t.env, ENTRA_MAIL_CACHE_DIR: cacheDir });
  const asked = (stderr: string) => /enter the code/i.test(stderr);

  it('login asks once (device code), whoami then signs in without asking; files are 0600', async (c) => {
    if (!refreshes) return c.skip('the sandbox token endpoint does not redeem refresh tokens');
    const login = await runCli(['login', ...common], { env: env(), cwd: t.dir });
    assert.equal(login.code, 0, login.stderr);
    assert.ok(asked(login.stderr), `login shows the device code: ${login.stderr}`);
    assert.match(login.stdout, /Signed in as user: admin@/);
    assert.match(login.stdout, /Remembered in /);
    const files = [
      join(cacheDir, 'msal.cache.nocae.json'),
      ...(await readdir(join(cacheDir, 'accounts'))).map((f) => join(cacheDir, 'accounts', f)),
    ];
    for (const file of files) assert.equal((await stat(file)).mode & 0o777, 0o600, file);
    const who = await runCli(['whoami', ...common], { env: env(), cwd: t.dir });
    assert.equal(who.code, 0, who.stderr);
    assert.ok(!asked(who.stderr), `whoami did not ask again: ${who.stderr}`);
    assert.match(who.stdout, /Directory roles: Global Administrator/);
    const status = await runCli(['status', ...common], { env: env(), cwd: t.dir });
    assert.equal(status.code, 0, status.stderr);
    assert.ok(!asked(status.stderr), 'status did not ask either');
  });

  it('--no-token-cache asks again and leaves the cache alone; logout forgets, and the next command asks', async (c) => {
    if (!refreshes) return c.skip('the sandbox token endpoint does not redeem refresh tokens');
    const fresh = await runCli(['whoami', ...common, '--no-token-cache'], { env: env(), cwd: t.dir });
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.ok(asked(fresh.stderr));
    const out = await runCli(['logout'], { env: env(), cwd: t.dir });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /Signed out/);
    const again = await runCli(['whoami', ...common], { env: env(), cwd: t.dir });
    assert.equal(again.code, 0, again.stderr);
    assert.ok(asked(again.stderr), 'asked again after logout');
  });

  it('--auth browser without a display fails at once with the device-code hint (exit 2, nothing sent)', async () => {
    const environment: NodeJS.ProcessEnv = { ...env() };
    delete environment.DISPLAY;
    delete environment.WAYLAND_DISPLAY;
    delete environment.BROWSER;
    const r = await runCli(['status', '--ca-file', t.sandbox.settings.caFile, '--auth', 'browser'], { env: environment, cwd: t.dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--auth browser needs a desktop browser/);
    assert.match(r.stderr, /--auth device-code/);
  });
});
