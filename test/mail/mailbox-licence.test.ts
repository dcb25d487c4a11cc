import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;
type Check = { id: string; status: string; cause?: string };

/**
 * A user mailbox without an Exchange Online licence refuses the app with the same 535 5.7.3 as a
 * grant still propagating. The Exchange step's Get-Mailbox tells them apart
 * (docs/exchange-powershell.md#get-mailbox-and-licences): provision --verify must say "unlicensed"
 * (exit 4), not "wait" (exit 7); a shared mailbox needs no licence and sends.
 */
describe('provision --verify tells an unlicensed mailbox from a grant still propagating', () => {
  let t: Tenant;
  before(async () => {
    t = await startTestTenant();
    t.sandbox.ctx.state.exchange.mailboxes.push({
      address: 'shared@contoso.com',
      displayName: 'Shared',
      licensed: false,
      shared: true,
      smtpClientAuthenticationDisabled: null,
    });
  });
  after(() => t.close());

  const provision = (name: string, model: string, mailbox: string) =>
    runCli(
      ['provision', ...t.common, '--model', model, '--unique-name', name, '--mailbox', mailbox, '--exchange', 'run', '--verify', '--json'],
      { env: t.env, cwd: t.dir },
    );

  for (const model of ['smtp', 'smtp-rbac']) {
    it(`${model}: an unlicensed user mailbox is diagnosed as such (exit 4), with the script's warning`, async () => {
      const r = await provision(`lic-${model}`, model, 'unlicensed@contoso.com');
      assert.equal(r.code, 4, r.stderr);
      const out = JSON.parse(r.stdout) as { verify: { checks: Check[] }; exchange: { warnings?: string[] } };
      const send = out.verify.checks.find((c) => c.id === 'send');
      assert.equal(send?.status, 'fail');
      assert.equal(send?.cause, 'mailbox-unlicensed');
      assert.ok(out.exchange.warnings?.some((w) => /unlicensed@contoso\.com is a user mailbox without an Exchange Online licence/.test(w)));
    });
  }

  it('smtp: a shared mailbox without a licence is fine and the test message is delivered', async () => {
    const r = await provision('lic-shared', 'smtp', 'shared@contoso.com');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { verify: { ok: boolean }; exchange: { warnings?: string[] } };
    assert.equal(out.verify.ok, true);
    assert.ok(!out.exchange.warnings?.some((w) => /licence/.test(w)));
  });
});
