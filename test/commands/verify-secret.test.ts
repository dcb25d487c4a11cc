import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readSecretFromFile } from '../../src/commands/shared/secret-file.ts';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/** verify with the files provision writes, and a wrong secret that fails at the first answer. */
describe('verify: the secret from the tool’s own config files, and a wrong one at once', () => {
  let t: Tenant;
  let appId: string;
  let envPath: string;
  const verify = (extra: string[]) => [
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
    ...extra,
  ];
  before(async () => {
    t = await startTestTenant();
    envPath = join(t.dir, 'mailer.env');
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
        '--exchange',
        'run',
        '--pwsh',
        t.sandbox.settings.pwshPath,
        '--out',
        envPath,
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

  it('--secret-file reads the env file provision wrote (its first line is a comment)', async () => {
    const text = await readFile(envPath, 'utf8');
    assert.match(text.split('\n')[0] as string, /^#/);
    const r = await runCli(verify(['--secret-file', envPath, '--json']), { env: t.env, cwd: t.dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).checks.map((c: { id: string; status: string }) => `${c.id}:${c.status}`),
      ['token:pass', 'claims:pass', 'send:pass'],
    );
  });

  it('--secret-file reads an ini-style product file (enaio) and a bare secret file', async () => {
    const secret = readSecretFromFile(await readFile(envPath, 'utf8'), envPath);
    const ini = join(t.dir, 'enaio.ini');
    await writeFile(
      ini,
      `; enaio server\nMailSender=hr@contoso.com\n; Microsoft Office client secret\nOfficeClientSecret=${secret}\nOfficeTenantID=x\n`,
    );
    const bare = join(t.dir, 'secret.txt');
    await writeFile(bare, `${secret}\n`);
    for (const file of [ini, bare]) {
      const r = await runCli(verify(['--secret-file', file, '--no-send']), { env: t.env, cwd: t.dir });
      assert.equal(r.code, 0, r.stdout + r.stderr);
    }
  });

  it('a wrong secret fails at the first answer (no replication retries) with exit 3 and the fix', async () => {
    const r = await runCli(verify(['--secret-stdin', '--verbose', '--no-send']), {
      env: t.env,
      cwd: t.dir,
      stdin: 'Wr0ng~secret-value-that-is-not-the-one\n',
    });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /AADSTS7000215/);
    assert.match(r.stdout, /Value, not its ID/);
    assert.doesNotMatch(r.stderr, /retrying/);
  });

  it("the secret's ID (a GUID) pasted as the secret is refused before anything is sent (exit 2)", async () => {
    const file = join(t.dir, 'keyid.env');
    await writeFile(file, '# pasted from the portal\nAZURE_CLIENT_SECRET=0f6c2d4e-1a2b-4c3d-8e9f-0123456789ab\n');
    const r = await runCli(verify(['--secret-file', file]), { env: t.env, cwd: t.dir });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /secret's ID, not its Value/);
    assert.match(r.stderr, /nothing was sent to any service/);
  });

  it('a file with no secret key says which keys it looked for', () => {
    assert.throws(
      () => readSecretFromFile('# c\nAZURE_CLIENT_ID=x\nAZURE_TENANT_ID=y\n', 'app.env'),
      /no secret key \(looked for AZURE_CLIENT_SECRET/,
    );
    assert.equal(readSecretFromFile("export AZURE_CLIENT_SECRET='a'\\''b'\n", 'x'), "a'b");
  });
});
