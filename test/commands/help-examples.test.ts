import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { EXAMPLES } from '../../src/commands/shared/examples.ts';
import { startTestTenant } from '../helpers/cli.ts';
import { writeCliOnPath } from '../helpers/terminal.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/**
 * Every example the help prints is a command for an admin to run: each runs here verbatim, in a
 * shell, in order (provision first, deprovision last), against the sandbox tenant. The tenant and
 * the admin's sign-in come from the environment (AZURE_*), as the examples say.
 */
describe('the examples in --help run as printed', () => {
  let t: Tenant;
  let shellEnv: NodeJS.ProcessEnv;
  let work: string;
  before(async () => {
    t = await startTestTenant();
    const bin = join(t.dir, 'bin');
    work = join(t.dir, 'work');
    await mkdir(bin, { recursive: true });
    await mkdir(work, { recursive: true });
    // The fleet examples read ./entra-mail.yaml: the sandbox tenant with one app (docs/fleet.md).
    await writeFile(
      join(work, 'entra-mail.yaml'),
      `version: 1\ntenants:\n  - tenant: ${t.sandbox.settings.tenantId}\n    apps:\n      - { name: Fleet Example, model: graph, format: env, mailboxes: [noreply@contoso.com] }\n`,
    );
    await writeCliOnPath(bin);
    shellEnv = {
      ...t.env,
      PATH: `${bin}:${process.env.PATH}`,
      NODE_EXTRA_CA_CERTS: t.sandbox.settings.caFile,
      ENTRA_MAIL_PWSH: t.sandbox.settings.pwshPath,
    };
  });
  after(() => t.close());

  const order = [
    'profiles',
    'provision',
    'plan',
    'apply',
    'verify',
    'status',
    'login',
    'whoami',
    'doctor',
    'logout',
    'exchange-script',
    'rotate',
    'deprovision',
    'demo',
  ];
  for (const command of order) {
    for (const [example] of EXAMPLES[command] ?? []) {
      const line = example.replace('$0', 'entra-mail');
      it(line, async () => {
        const r = await execa('bash', ['-c', line], { env: shellEnv, extendEnv: false, cwd: work, reject: false });
        assert.equal(r.exitCode, 0, `${line}\n${r.stdout}\n${r.stderr}`);
      });
    }
  }

  for (const [example] of EXAMPLES.sandbox ?? []) {
    const line = example.replace('$0', 'entra-mail');
    it(`${line} (until it is ready, then Ctrl-C)`, async () => {
      const child = execa('bash', ['-c', `exec ${line}`], { env: shellEnv, extendEnv: false, cwd: work, reject: false });
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (/entra-mail provision/.test(out)) resolve();
        });
        void child.then((r) => reject(new Error(`sandbox exited ${r.exitCode}: ${out}\n${r.stderr}`)));
      });
      child.kill('SIGINT');
      const r = await child;
      assert.equal(r.exitCode, 0, r.stderr);
    });
  }
});
