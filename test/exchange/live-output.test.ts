import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/**
 * `Connect-ExchangeOnline -Device` prints a code and waits until the admin has entered it
 * (docs/exchange-powershell.md#connecting). The pwsh stand-in does the same when
 * ENTRA_MAIL_PWSH_DEVICE_SIGN_IN names a file: it waits until the file exists. The "admin" here
 * signs in only after seeing the code on the tool's stderr, so a runner that buffers pwsh's output
 * until it exits never gets past the sign-in: that run ends at --exchange-timeout with exit 6.
 */
describe('--exchange run shows the sign-in as it happens, and stops at --exchange-timeout', () => {
  let t: Tenant;
  before(async () => {
    t = await startTestTenant();
  });
  after(() => t.close());

  const provision = (uniqueName: string, signInFile: string, timeout: string, onStderr?: (text: string) => void) =>
    runCli(
      [
        'provision',
        ...t.common,
        '--model',
        'smtp',
        '--unique-name',
        uniqueName,
        '--mailbox',
        'noreply@contoso.com',
        '--exchange',
        'run',
        '--exchange-auth',
        'device',
        '--exchange-timeout',
        timeout,
      ],
      { env: { ...t.env, ENTRA_MAIL_PWSH_DEVICE_SIGN_IN: signInFile }, cwd: t.dir, ...(onStderr ? { onStderr } : {}) },
    );

  it('the device code reaches stderr while pwsh waits, and the run completes once it is entered', async () => {
    const signedIn = join(t.dir, 'signed-in');
    let seen = '';
    let code = '';
    const r = await provision('live-output', signedIn, '5m', (text) => {
      seen += text;
      const found = /enter the code (\w+) to authenticate/.exec(seen)?.[1];
      if (found && !code) {
        code = found;
        void writeFile(signedIn, code);
      }
    });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(code, 'the code was shown before pwsh finished');
    assert.match(r.stderr, /https:\/\/microsoft\.com\/devicelogin/);
  });

  it('a sign-in never completed stops at --exchange-timeout: exit 6 naming the step and the flag', async () => {
    const r = await provision('never-signed-in', join(t.dir, 'never'), '3s');
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stderr, /exchange/);
    assert.match(r.stderr, /did not finish within 3 s/);
    assert.match(r.stderr, /--exchange-timeout/);
  });
});
