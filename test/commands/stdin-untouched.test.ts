import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli, startTestTenant } from '../helpers/cli.ts';

// Creating process.stdin loads file streams and readline; a command that asks nothing must not
// create it just to learn whether it is a terminal (src/main.ts gives that as `stdinIsTTY`).
describe('standard input is left alone by commands that ask nothing', () => {
  let tenant: Awaited<ReturnType<typeof startTestTenant>>;
  before(async () => {
    tenant = await startTestTenant();
  });
  after(() => tenant.close());

  for (const [label, argv] of [
    [
      'provision --json',
      ['provision', '--model', 'smtp', '--name', 'Stdin', '--mailbox', 'noreply@contoso.com', '--exchange', 'skip', '--json'],
    ],
    [
      'provision, converged re-run',
      ['provision', '--model', 'smtp', '--name', 'Stdin', '--mailbox', 'noreply@contoso.com', '--exchange', 'skip', '--json'],
    ],
    ['status', ['status', '--json']],
    ['exchange-script', ['exchange-script', '--app', 'stdin', '--mailbox', 'noreply@contoso.com']],
  ] as const) {
    it(label, async () => {
      let reads = 0;
      const result = await runCli([...argv, ...tenant.common], {
        env: tenant.env,
        cwd: tenant.dir,
        onStdinRead: () => {
          reads++;
        },
      });
      assert.ok([0, 10].includes(result.code), `${label} exited ${result.code}: ${result.stderr}`);
      assert.equal(reads, 0, `${label} created stdin`);
    });
  }

  it('a prompt still reads it (the guard sees reads)', async () => {
    let reads = 0;
    const result = await runCli(['deprovision', '--app', 'stdin', '--mailbox', 'noreply@contoso.com', ...tenant.common], {
      env: tenant.env,
      cwd: tenant.dir,
      tty: true,
      stdin: 'n\n',
      onStdinRead: () => {
        reads++;
      },
    });
    assert.ok(reads > 0, `deprovision asked without reading stdin (exit ${result.code}): ${result.stderr}`);
  });
});
