import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { execa } from 'execa';
import { runCli, startTestTenant } from '../helpers/cli.ts';
import { CLI_MAIN } from '../../scripts/lib/entry.ts';
import { runInTerminal } from '../helpers/terminal.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

// Any SGR colour sequence, e.g. ESC[32m.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is what is looked for
const COLOUR = /\x1b\[(3[0-7]|9[0-7]|1|2)m/;

/** status flags what is due by default; colour only at a terminal; signals say what state the tenant is in. */
describe('status, colour and signals', () => {
  let t: Tenant;
  before(async () => {
    t = await startTestTenant();
    const r = await runCli(['provision', ...t.common, '--model', 'smtp', '--name', 'Status App', '--mailbox', 'noreply@contoso.com'], {
      env: t.env,
      cwd: t.dir,
    });
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => t.close());

  const secretOf = () => t.sandbox.ctx.state.applications.find((a) => a.uniqueName === 'status-app')?.passwordCredentials[0];

  it('status exits 0 while every secret outlives 30 days, and 10 with an expired one — no flag needed', async () => {
    const fine = await runCli(['status', ...t.common, '--json'], { env: t.env, cwd: t.dir });
    assert.equal(fine.code, 0, fine.stderr);
    assert.equal(JSON.parse(fine.stdout).expiringWithinDays, 30);
    const credential = secretOf();
    assert.ok(credential);
    const end = credential.endDateTime;
    credential.endDateTime = new Date(Date.now() - 2 * 86_400_000).toISOString();
    try {
      const expired = await runCli(['status', ...t.common], { env: t.env, cwd: t.dir });
      assert.equal(expired.code, 10, expired.stderr);
      assert.match(expired.stdout, /EXPIRED/);
      assert.match(expired.stdout, /DUE: .* run entra-mail rotate --app status-app/);
      const table = await runCli(['status', ...t.common, '--output', 'table'], { env: t.env, cwd: t.dir });
      assert.equal(table.code, 10);
      assert.match(table.stdout, /^APP\s+APP ID\s+MODEL\s+CONSENT\s+CREDENTIAL\s+KEY ID\s+EXPIRES\s+DAYS\s+STATE$/m);
      assert.match(table.stdout, /status-app .* -[23]\s+EXPIRED$/m);
      credential.endDateTime = new Date(Date.now() + 10 * 86_400_000).toISOString();
      const expiring = await runCli(['status', ...t.common], { env: t.env, cwd: t.dir });
      assert.equal(expiring.code, 10);
      assert.match(expiring.stdout, /expiring/);
      assert.equal((await runCli(['status', ...t.common, '--expiring-within', '0d'], { env: t.env, cwd: t.dir })).code, 0);
    } finally {
      credential.endDateTime = end;
    }
  });

  it('colour at a terminal; none with NO_COLOR, and none when piped', async () => {
    const tty = await runInTerminal([process.execPath, CLI_MAIN, 'status', ...t.common], { env: t.env, cwd: t.dir });
    assert.equal(tty.code, 0, tty.text);
    assert.match(tty.raw, COLOUR);
    const noColor = await runInTerminal([process.execPath, CLI_MAIN, 'status', ...t.common], {
      env: { ...t.env, NO_COLOR: '1' },
      cwd: t.dir,
    });
    assert.equal(noColor.code, 0, noColor.text);
    assert.doesNotMatch(noColor.raw, COLOUR);
    const piped = await execa(process.execPath, [CLI_MAIN, 'status', ...t.common], {
      env: t.env,
      extendEnv: false,
      cwd: t.dir,
      reject: false,
    });
    assert.doesNotMatch(piped.stdout + piped.stderr, COLOUR);
  });

  it('Ctrl-C at the question: exit 130, "before any change", nothing created', async () => {
    const r = await runInTerminal(
      [
        process.execPath,
        CLI_MAIN,
        'provision',
        ...t.common,
        '--model',
        'smtp',
        '--name',
        'Interrupted',
        '--mailbox',
        'noreply@contoso.com',
      ],
      {
        env: t.env,
        cwd: t.dir,
        signal: { name: 'SIGINT', afterOutput: /\[y\/N\]/ },
      },
    );
    assert.equal(r.code, 130, r.text);
    assert.match(r.text, /stopped by SIGINT before any change; the tenant is as it was\./);
    assert.equal(t.sandbox.ctx.state.applications.filter((a) => a.uniqueName === 'interrupted').length, 0);
  });

  it('SIGTERM while changing the tenant: exit 143, names the step, and the same command then finishes the job', async () => {
    const argv = [
      CLI_MAIN,
      'provision',
      ...t.common,
      '--model',
      'smtp',
      '--name',
      'Terminated',
      '--mailbox',
      'noreply@contoso.com',
      '--yes',
    ];
    t.sandbox.ctx.knobs.latencyMs = 400;
    let r: { code: number | null; stderr: string };
    try {
      // node:child_process rather than execa: execa reports a child it signalled as killed, not by its exit code.
      const child = spawn(process.execPath, argv, { env: t.env, cwd: t.dir, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        if (/\[STARTED\] Application/.test(err) && !child.killed) child.kill('SIGTERM');
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      r = { code, stderr: err };
    } finally {
      t.sandbox.ctx.knobs.latencyMs = 0;
    }
    assert.equal(r.code, 143, r.stderr);
    assert.match(r.stderr, /stopped by SIGTERM during '[^']+'.*Run the same command again/);
    const again = await runCli(argv.slice(1, -1).concat('--yes'), { env: t.env, cwd: t.dir });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(t.sandbox.ctx.state.applications.filter((a) => a.uniqueName === 'terminated').length, 1);
  });
});
