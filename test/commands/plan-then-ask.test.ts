import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli, startTestTenant } from '../helpers/cli.ts';
import { CLI_MAIN } from '../../scripts/lib/entry.ts';
import { runInTerminal } from '../helpers/terminal.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/**
 * provision in an admin's terminal (a real pseudo-terminal): the plan and its warnings come first,
 * nothing changes until the answer is yes. Without a terminal it proceeds as it always has.
 */
describe('provision: plan, then ask', () => {
  let t: Tenant;
  before(async () => {
    t = await startTestTenant();
  });
  after(() => t.close());

  const apps = (uniqueName: string) => t.sandbox.snapshot().applications.filter((a) => a.uniqueName === uniqueName);
  const provision = (name: string, model: string, extra: string[] = []) => [
    'provision',
    ...t.common,
    '--model',
    model,
    '--name',
    name,
    '--mailbox',
    'noreply@contoso.com',
    ...extra,
  ];

  it('in a terminal, "n" shows the plan and the tenant-wide warning and changes nothing', async () => {
    const r = await runInTerminal([process.execPath, CLI_MAIN, ...provision('Asked Graph', 'graph')], {
      env: t.env,
      cwd: t.dir,
      input: 'n\n',
    });
    assert.equal(r.code, 0, r.text);
    const plan = r.text.indexOf('+ create application');
    const warning = r.text.indexOf('Warning: admin consent to Microsoft Graph Mail.Send (application) lets this app send as ANY mailbox');
    const question = r.text.search(/Apply \d+ changes? to tenant .*\? \[y\/N\]/);
    assert.ok(plan >= 0 && warning > plan && question > warning, r.text);
    assert.match(r.text, /--model graph-rbac/);
    assert.match(r.text, /Nothing was changed in tenant/);
    assert.deepEqual(apps('asked-graph'), []);
  });

  it('in a terminal, "y" applies the plan', async () => {
    const r = await runInTerminal([process.execPath, CLI_MAIN, ...provision('Asked Smtp', 'smtp')], {
      env: t.env,
      cwd: t.dir,
      input: 'y\n',
    });
    assert.equal(r.code, 0, r.text);
    assert.match(r.text, /\? \[y\/N\]/);
    assert.equal(apps('asked-smtp').length, 1);
  });

  it('--yes in a terminal applies without asking', async () => {
    const r = await runInTerminal([process.execPath, CLI_MAIN, ...provision('Yes Smtp', 'smtp', ['--yes'])], { env: t.env, cwd: t.dir });
    assert.equal(r.code, 0, r.text);
    assert.doesNotMatch(r.text, /\[y\/N\]/);
    assert.equal(apps('yes-smtp').length, 1);
  });

  it('an up-to-date app is not asked about again', async () => {
    const r = await runInTerminal([process.execPath, CLI_MAIN, ...provision('Yes Smtp', 'smtp')], { env: t.env, cwd: t.dir });
    assert.equal(r.code, 0, r.text);
    assert.doesNotMatch(r.text, /\[y\/N\]/);
  });

  it('without a terminal it proceeds, and the warning is in the plan it prints and in --json', async () => {
    const text = await runCli(provision('Piped Graph', 'graph'), { env: t.env, cwd: t.dir });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Warning: admin consent to Microsoft Graph Mail\.Send/);
    assert.equal(apps('piped-graph').length, 1);
    const dry = await runCli([...provision('Dry Graph', 'graph'), '--dry-run', '--json'], { env: t.env, cwd: t.dir });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(JSON.parse(dry.stdout).warnings.join('\n'), /ANY mailbox/);
    const scoped = await runCli([...provision('Dry Rbac', 'graph-rbac'), '--dry-run', '--json'], { env: t.env, cwd: t.dir });
    assert.deepEqual(JSON.parse(scoped.stdout).warnings, []);
  });
});
