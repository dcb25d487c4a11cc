import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { DIRECTORY_ROLES } from '../../src/core/well-known.ts';
import { runCli, startTestTenant } from '../helpers/cli.ts';

/**
 * `--exchange api` (experimental): what it reads and writes, and how each refusal of the admin
 * endpoint ends (docs/exchange-invoke-command.md): a dry run lists its writes and sends none,
 * access denied is exit 4 naming the role, throttling waits for Retry-After, paging follows
 * `@odata.nextLink` with the same body, removal undoes what provision made.
 */

const base = (t: Awaited<ReturnType<typeof startTestTenant>>, name: string) => [
  ...t.common,
  '--yes',
  '--model',
  'smtp',
  '--name',
  name,
  '--mailbox',
  'noreply@contoso.com',
  '--exchange',
  'api',
];

function exchangeWrites(t: Awaited<ReturnType<typeof startTestTenant>>) {
  return t.sandbox.mutatingRequests().filter((r) => /InvokeCommand/.test(r.path));
}

describe('--exchange api', () => {
  it('--dry-run reads Exchange, lists the calls a run would make, and changes nothing there', async () => {
    const t = await startTestTenant();
    try {
      const before = JSON.stringify(t.sandbox.snapshot().exchange);
      const r = await runCli(['provision', ...base(t, 'Dry mailer'), '--dry-run'], { env: t.env, cwd: t.dir });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Exchange Online calls a run would make/);
      assert.match(r.stdout, /New-ServicePrincipal -AppId/);
      assert.match(r.stdout, /Add-MailboxPermission -Identity "noreply@contoso.com"/);
      assert.match(r.stdout, /Set-CASMailbox -Identity "noreply@contoso.com" -SmtpClientAuthenticationDisabled false/);
      assert.equal(JSON.stringify(t.sandbox.snapshot().exchange), before);
      const reads = t.sandbox.ctx.log.filter((e) => /InvokeCommand/.test(e.path));
      assert.ok(reads.length > 0, 'the dry run read Exchange');
      assert.equal(t.sandbox.snapshot().applications.filter((a) => a.displayName === 'Dry mailer').length, 0);
    } finally {
      await t.close();
    }
  });

  it('a caller without an Exchange role gets exit 4 naming the role, and nothing in Exchange changes', async () => {
    const t = await startTestTenant();
    try {
      const state = t.sandbox.ctx.state;
      const adminSp = state.servicePrincipals.find((sp) => sp.appId === state.adminAppId);
      state.directoryRoleAssignments = state.directoryRoleAssignments.filter(
        (r) => !(r.principalId === adminSp?.id && r.roleTemplateId === DIRECTORY_ROLES['Exchange Administrator']),
      );
      const r = await runCli(['provision', ...base(t, 'Denied mailer')], { env: t.env, cwd: t.dir });
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /Exchange Online denied Get-ServicePrincipal/);
      assert.match(r.stderr, /Exchange Administrator/);
      assert.equal(t.sandbox.snapshot().exchange.servicePrincipals.length, 0);
    } finally {
      await t.close();
    }
  });

  it('waits for Retry-After when throttled, then converges', async () => {
    const t = await startTestTenant();
    try {
      t.sandbox.ctx.faults.push({
        method: 'POST',
        path: /InvokeCommand$/,
        times: 1,
        action: { type: 'status', status: 429, code: 'TooManyRequests', headers: { 'retry-after': '1' } },
      });
      const started = Date.now();
      const r = await runCli(['provision', ...base(t, 'Throttled mailer'), '--json'], { env: t.env, cwd: t.dir });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(Date.now() - started >= 1000, 'the retry came after Retry-After');
      const json = JSON.parse(r.stdout);
      assert.deepEqual(
        json.exchange.changes.map((c: { action: string }) => c.action),
        ['create', 'create', 'update'],
      );
    } finally {
      await t.close();
    }
  });

  it('follows @odata.nextLink: the app is found on a later page of Get-ServicePrincipal', async () => {
    const t = await startTestTenant();
    try {
      const first = await runCli(['provision', ...base(t, 'Paged mailer'), '--json'], { env: t.env, cwd: t.dir });
      assert.equal(first.code, 0, first.stderr);
      // 1,500 other Exchange service principals ahead of ours: the answer comes in two pages.
      const exchange = t.sandbox.ctx.state.exchange;
      const others = Array.from({ length: 1500 }, (_, i) => {
        const id = randomUUID();
        return { identity: id, appId: randomUUID(), objectId: id, displayName: `Other ${i}`, createdAt: 0 };
      });
      exchange.servicePrincipals = [...others, ...exchange.servicePrincipals];
      const logBefore = t.sandbox.ctx.log.length;
      const again = await runCli(['provision', ...base(t, 'Paged mailer'), '--json'], { env: t.env, cwd: t.dir });
      assert.equal(again.code, 0, again.stderr);
      const json = JSON.parse(again.stdout);
      assert.deepEqual(
        json.exchange.changes.filter((c: { action: string }) => c.action !== 'none'),
        [],
      );
      const lookups = t.sandbox.ctx.log.slice(logBefore).filter((e) => e.cmdlet === 'Get-ServicePrincipal');
      assert.equal(lookups.length, 2, 'one Get-ServicePrincipal, two pages');
    } finally {
      await t.close();
    }
  });

  it('deprovision --exchange api removes what provision --exchange api made; a second removal finds nothing', async () => {
    const t = await startTestTenant();
    try {
      const made = await runCli(['provision', ...base(t, 'Removed mailer'), '--send-as', 'hr@contoso.com'], { env: t.env, cwd: t.dir });
      assert.equal(made.code, 0, made.stderr);
      const removal = await runCli(
        [
          'exchange-script',
          ...t.common,
          '--app',
          'removed-mailer',
          '--mailbox',
          'noreply@contoso.com',
          '--send-as',
          'hr@contoso.com',
          '--removal',
          '--exchange',
          'api',
          '--json',
        ],
        { env: t.env, cwd: t.dir },
      );
      assert.equal(removal.code, 0, removal.stderr);
      const json = JSON.parse(removal.stdout);
      assert.deepEqual(
        json.exchange.changes.map((c: { object: string; action: string }) => `${c.action} ${c.object.split(' ')[0]}`),
        ['remove FullAccess', 'remove SendAs', 'remove service-principal'],
      );
      const x = t.sandbox.snapshot().exchange;
      assert.equal(x.servicePrincipals.length, 0);
      assert.equal(x.mailboxPermissions.length, 0);
      assert.equal(x.recipientPermissions.length, 0);
      const writesBefore = exchangeWrites(t).length;
      const again = await runCli(
        ['deprovision', ...t.common, '--yes', '--app', 'removed-mailer', '--mailbox', 'noreply@contoso.com', '--exchange', 'api', '--json'],
        { env: t.env, cwd: t.dir },
      );
      assert.equal(again.code, 0, again.stderr);
      assert.ok(JSON.parse(again.stdout).exchange.changes.every((c: { action: string }) => c.action === 'none'));
      assert.equal(exchangeWrites(t).length, writesBefore, 'nothing left to remove in Exchange');
    } finally {
      await t.close();
    }
  });
});
