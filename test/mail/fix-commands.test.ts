import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/** POSIX shell words: plain words and single-quoted ones (what src/mail/fix-commands.ts prints). */
function shellWords(command: string): string[] {
  const words: string[] = [];
  for (const match of command.matchAll(/(?:[^\s']+|'(?:[^']|'\\'')*')+/g)) {
    words.push(match[0].replace(/'((?:[^']|'\\'')*)'/g, (_q, inner: string) => inner.replaceAll("'\\''", "'")));
  }
  return words;
}

/**
 * Each diagnosis row: break the thing, let `verify` explain it, run the fix it prints as printed
 * (only this machine's sign-in context, --ca-file, is added), and verify again. A fix that drops
 * the app (a second "Mail sender" app) or a flag the command needs fails here.
 */
describe('the fixes verify prints run as printed and repair the app', () => {
  let t: Tenant;
  let appId: string;
  let secret: string;
  const MAILBOX = 'noreply@contoso.com';
  before(async () => {
    t = await startTestTenant();
    const r = await runCli(
      [
        'provision',
        ...t.common,
        '--profile',
        'aevo',
        '--model',
        'smtp',
        '--unique-name',
        'fix-me',
        '--mailbox',
        MAILBOX,
        '--exchange',
        'run',
        '--json',
      ],
      { env: t.env, cwd: t.dir },
    );
    assert.equal(r.code, 0, r.stderr);
    appId = JSON.parse(r.stdout).application.appId;
    secret = await secretIn('fix-me.txt');
  });
  after(() => t.close());

  async function secretIn(file: string): Promise<string> {
    const text = await readFile(join(t.dir, file), 'utf8');
    // Secret values use letters, digits and - _ . ~ and may begin with any of them: match the exact separator
    // each template prints (not \W+, which swallowed a leading '-', '.' or '~' about once in 22 runs).
    const found = /^(?:\s*SMTP Password[ \t]+|AZURE_CLIENT_SECRET=)([A-Za-z0-9~._-]{30,})$/m.exec(text)?.[1];
    assert.ok(found, `no secret in ${file}`);
    return found;
  }
  const verify = async () => {
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
        MAILBOX,
        '--json',
      ],
      { env: { ...t.env, ENTRA_MAIL_CLIENT_SECRET: secret }, cwd: t.dir },
    );
    return JSON.parse(r.stdout) as { ok: boolean; checks: { status: string; cause?: string; fix?: string }[] };
  };
  const failing = async (cause: RegExp) => {
    const report = await verify();
    const check = report.checks.find((c) => c.status === 'fail');
    assert.match(check?.cause ?? '', cause, JSON.stringify(report.checks));
    const command = /entra-mail (?:provision|exchange-script) [^;\n]*$/.exec(check?.fix ?? '')?.[0];
    assert.ok(command, `no command in the fix: ${check?.fix}`);
    return shellWords(command).slice(1);
  };
  const apps = () => t.sandbox.snapshot().applications.filter((a) => a.tags.includes('entra-mail:managed'));

  it('Exchange FullAccess missing: the exchange-script fix grants it again', async () => {
    t.sandbox.ctx.state.exchange.mailboxPermissions = [];
    const argv = await failing(/full-access-missing|exchange-authorization-missing/);
    const fixed = await runCli([...argv, '--ca-file', t.sandbox.settings.caFile], { env: t.env, cwd: t.dir });
    assert.equal(fixed.code, 0, fixed.stderr);
    const again = await verify();
    assert.equal(again.ok, true, JSON.stringify(again.checks));
  });

  it('consent withdrawn: the provision fix consents again, on the same app with its profile', async () => {
    const sp = t.sandbox.ctx.state.servicePrincipals.find((s) => s.appId === appId);
    t.sandbox.ctx.state.appRoleAssignments = t.sandbox.ctx.state.appRoleAssignments.filter((a) => a.principalId !== sp?.id);
    const before = apps().length;
    const argv = await failing(/roles-missing/);
    const fixed = await runCli([...argv, '--ca-file', t.sandbox.settings.caFile, '--json'], { env: t.env, cwd: t.dir });
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.equal(apps().length, before, 'no second app');
    secret = await secretIn('fix-me.txt');
    const app = apps().find((a) => a.appId === appId);
    assert.ok(app?.tags.includes('entra-mail:profile:aevo'), 'the profile is kept');
    assert.equal((await verify()).ok, true);
  });

  it('secret expired: the provision --new-secret fix mints one for the same app', async () => {
    for (const c of t.sandbox.ctx.state.applications.find((a) => a.appId === appId)?.passwordCredentials ?? []) {
      c.endDateTime = new Date(Date.now() - 60_000).toISOString();
    }
    const argv = await failing(/secret-expired/);
    assert.ok(argv.includes('--new-secret'));
    const fixed = await runCli([...argv, '--ca-file', t.sandbox.settings.caFile], { env: t.env, cwd: t.dir });
    assert.equal(fixed.code, 0, fixed.stderr);
    secret = await secretIn('fix-me.txt');
    assert.equal((await verify()).ok, true);
  });
});
