import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { CLI_MAIN } from '../../scripts/lib/entry.ts';

/** Reads `export KEY='value'` lines of the sandbox's admin.env. */
async function readEnvFile(path: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    const m = /^export ([A-Z_]+)='(.*)'$/.exec(line);
    if (m) env[m[1] as string] = (m[2] as string).replaceAll("'\\''", "'");
  }
  return env;
}

/**
 * `entra-mail sandbox --tenants N` in a child process: it prints the other tenants and the command
 * that signs in to one of them with the same admin app, writes the list to settings.json (0600),
 * and the printed commands run as printed.
 */
describe('entra-mail sandbox --tenants 3', () => {
  let work: string;
  let sandbox: ChildProcess;
  let printed = '';

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'entra-mail-sandbox-tenants-'));
    sandbox = spawn(process.execPath, [CLI_MAIN, 'sandbox', '--tenants', '3', '--dir', join(work, 'sandbox')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      sandbox.stdout?.on('data', (chunk) => {
        printed += String(chunk);
        if (/--tenant \S+ .*--exchange api\n/.test(printed)) resolve();
      });
      sandbox.on('exit', (code) => reject(new Error(`sandbox exited ${code}: ${printed}`)));
    });
  });

  after(async () => {
    sandbox.kill('SIGTERM');
    await new Promise((resolve) => sandbox.once('exit', resolve));
    await rm(work, { recursive: true, force: true });
  });

  it('writes every tenant to settings.json, mode 0600, and prints the other two', async () => {
    const path = join(work, 'sandbox', 'settings.json');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const settings = JSON.parse(await readFile(path, 'utf8')) as { tenantId: string; tenants: { tenantId: string; domain: string }[] };
    assert.equal(settings.tenants.length, 3);
    assert.equal(settings.tenants[0]?.tenantId, settings.tenantId);
    for (const tenant of settings.tenants.slice(1)) assert.ok(printed.includes(`${tenant.tenantId}  ${tenant.domain}`));
  });

  it('runs the printed commands for another tenant as printed', async () => {
    const envFile = /^ {2}\. (\S+)$/m.exec(printed)?.[1];
    const line = /^ {2}(entra-mail provision .*--tenant .*)$/m.exec(printed)?.[1];
    assert.ok(envFile && line, printed);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: work,
      ENTRA_MAIL_STATE_DIR: join(work, 'state'),
      ...(await readEnvFile(envFile)),
    };
    const r = await runCli(line.split(' ').slice(1), { env, cwd: work });
    assert.equal(r.code, 0, r.stderr);
    const tenant = /--tenant (\S+)/.exec(line)?.[1];
    assert.ok(tenant && tenant !== env.AZURE_TENANT_ID);
    assert.match(r.stdout, new RegExp(`Directory \\(tenant\\) ID: +${tenant}`));
  });

  it('runs the printed workload identity commands as printed: no secret in that environment', async () => {
    const envFile = /^ {2}\. (\S+workload\.env)$/m.exec(printed)?.[1];
    const line = /^ {2}(entra-mail whoami --auth workload-identity .*)$/m.exec(printed)?.[1];
    assert.ok(envFile && line, printed);
    const workload = await readEnvFile(envFile);
    assert.equal(workload.AZURE_CLIENT_SECRET, undefined);
    assert.equal((await stat(workload.AZURE_FEDERATED_TOKEN_FILE as string)).mode & 0o777, 0o600);
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: work, ENTRA_MAIL_STATE_DIR: join(work, 'state'), ...workload };
    const r = await runCli(line.split(' ').slice(1), { env, cwd: work });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Tenant: +${workload.AZURE_TENANT_ID}`));
    assert.match(r.stdout, /Signed in as app: entra-mail sandbox admin/);
  });
});
