import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/** The secret from an env-format config file the tool wrote. */
async function secretFrom(path: string): Promise<string> {
  const secret = /AZURE_CLIENT_SECRET='([^']+)'/.exec(await readFile(path, 'utf8'))?.[1];
  assert.ok(secret, 'config holds the secret');
  return secret;
}

describe('verify, exchange-script and deprovision through the CLI', () => {
  let t: Tenant;
  let appId: string;
  let configPath: string;
  before(async () => {
    t = await startTestTenant();
    configPath = join(t.dir, 'mailer.env');
    const r = await runCli(
      [
        'provision',
        ...t.common,
        '--model',
        'smtp',
        '--name',
        'Mailer',
        '--mailbox',
        'hr@contoso.com',
        '--send-as',
        'alerts@contoso.com',
        '--exchange',
        'run',
        '--pwsh',
        t.sandbox.settings.pwshPath,
        '--out',
        configPath,
        '--format',
        'env',
        '--json',
      ],
      { env: t.env, cwd: t.dir },
    );
    assert.equal(r.code, 0, r.stderr);
    appId = JSON.parse(r.stdout).application.appId;
  });
  after(() => t.close());

  it('verify reads the secret from the environment, sends over SMTP, and the message is delivered', async () => {
    const secret = await secretFrom(configPath);
    const before = t.sandbox.ctx.state.mail.delivered.length;
    const r = await runCli(
      [
        'verify',
        '--ca-file',
        t.sandbox.settings.caFile,
        '--tenant',
        t.sandbox.settings.tenantId,
        '--client-id',
        appId,
        '--model',
        'smtp',
        '--mailbox',
        'hr@contoso.com',
        '--to',
        'alerts@contoso.com',
        '--json',
      ],
      {
        env: { ...t.env, ENTRA_MAIL_CLIENT_SECRET: secret },
        cwd: t.dir,
      },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(
      report.checks.map((c: { id: string; status: string }) => `${c.id}:${c.status}`),
      ['token:pass', 'claims:pass', 'send:pass'],
    );
    const delivered = t.sandbox.ctx.state.mail.delivered.slice(before);
    assert.equal(delivered.length, 1);
    assert.deepEqual(delivered[0]!.to, ['alerts@contoso.com']);
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret));
  });

  it('verify takes the secret on stdin and explains a broken setup: SMTP AUTH disabled for the mailbox', async () => {
    const secret = await secretFrom(configPath);
    const mailbox = t.sandbox.ctx.state.exchange.mailboxes.find((m) => m.address === 'hr@contoso.com')!;
    mailbox.smtpClientAuthenticationDisabled = true;
    try {
      const r = await runCli(
        [
          'verify',
          '--ca-file',
          t.sandbox.settings.caFile,
          '--tenant',
          t.sandbox.settings.tenantId,
          '--client-id',
          appId,
          '--mailbox',
          'hr@contoso.com',
          '--secret-stdin',
        ],
        {
          env: t.env,
          cwd: t.dir,
          stdin: `${secret}\n`,
        },
      );
      assert.equal(r.code, 4, r.stdout + r.stderr);
      assert.match(r.stdout, /FAIL/);
      assert.match(r.stdout, /Set-CASMailbox -Identity 'hr@contoso.com' -SmtpClientAuthenticationDisabled \$false/);
    } finally {
      mailbox.smtpClientAuthenticationDisabled = false;
    }
  });

  it('verify refuses a secret on the command line: there is no such flag (exit 2)', async () => {
    const r = await runCli(
      ['verify', '--tenant', t.sandbox.settings.tenantId, '--client-id', appId, '--mailbox', 'hr@contoso.com', '--secret', 'abc'],
      { env: t.env, cwd: t.dir },
    );
    assert.equal(r.code, 2);
  });

  it('exchange-script writes the script for the existing app with the enterprise app object id', async () => {
    const out = join(t.dir, 'again.ps1');
    const r = await runCli(['exchange-script', ...t.common, '--app', appId, '--mailbox', 'hr@contoso.com', '--script-out', out, '--json'], {
      env: t.env,
      cwd: t.dir,
    });
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.equal(result.model, 'smtp', 'the model comes from the tag provision left');
    const sp = t.sandbox.ctx.state.servicePrincipals.find((s) => s.appId === appId)!;
    const app = t.sandbox.ctx.state.applications.find((a) => a.appId === appId)!;
    const script = await readFile(out, 'utf8');
    const byName = await runCli(['exchange-script', ...t.common, '--app', 'mailer', '--mailbox', 'hr@contoso.com', '--dry-run'], {
      env: t.env,
      cwd: t.dir,
    });
    assert.equal(byName.code, 0, byName.stderr);
    assert.equal(byName.stdout, script, '--app takes the unique name too, and --dry-run prints the same bytes');
    const both = await runCli(['exchange-script', ...t.common, '--app', 'mailer', '--app-id', appId], { env: t.env, cwd: t.dir });
    assert.equal(both.code, 2);
    assert.ok(script.includes(`'${sp.id}'`));
    assert.ok(!script.includes(app.id));
  });

  it('deprovision needs --yes without a terminal, then removes app, service principal and what provision granted in Exchange', async () => {
    const refused = await runCli(['deprovision', ...t.common, '--app-id', appId], { env: t.env, cwd: t.dir });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--yes/);
    const granted = t.sandbox.snapshot().exchange;
    const spIdentity = granted.servicePrincipals.find((x) => x.appId === appId)?.identity;
    assert.ok(granted.mailboxPermissions.some((p) => p.identity === 'hr@contoso.com' && p.user === spIdentity));
    assert.ok(granted.recipientPermissions.some((p) => p.identity === 'alerts@contoso.com' && p.trustee === spIdentity));
    // No --mailbox / --send-as: provision recorded them on the app (tags), so removal knows them.
    const r = await runCli(
      ['deprovision', ...t.common, '--app-id', appId, '--exchange', 'run', '--pwsh', t.sandbox.settings.pwshPath, '--yes', '--json'],
      { env: t.env, cwd: t.dir },
    );
    assert.equal(r.code, 0, r.stderr);
    const s = t.sandbox.snapshot();
    assert.equal(s.applications.filter((a) => a.appId === appId).length, 0);
    assert.equal(s.servicePrincipals.filter((x) => x.appId === appId).length, 0);
    assert.equal(s.exchange.servicePrincipals.filter((x) => x.appId === appId).length, 0);
    assert.equal(s.exchange.mailboxPermissions.filter((p) => p.user === spIdentity).length, 0);
    assert.equal(s.exchange.recipientPermissions.filter((p) => p.trustee === spIdentity).length, 0);
  });
});

describe('admin sign-in by device code (the sandbox approves as its Global Administrator)', () => {
  it('prints the device code prompt on stderr and provisions', async () => {
    const t = await startTestTenant();
    try {
      const env = { ...t.env, AZURE_CLIENT_SECRET: '', AZURE_CLIENT_ID: '' };
      const r = await runCli(
        [
          'provision',
          '--auth',
          'device-code',
          '--ca-file',
          t.sandbox.settings.caFile,
          '--tenant',
          t.sandbox.settings.tenantId,
          '--model',
          'graph',
          '--mailbox',
          'noreply@contoso.com',
          '--exchange',
          'skip',
          '--json',
        ],
        { env, cwd: t.dir },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /code/i);
      assert.equal(JSON.parse(r.stdout).permissions[0].name, 'Mail.Send');
    } finally {
      await t.close();
    }
  });
});
