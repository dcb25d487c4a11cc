import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;
type Result = { changes: { step: string; action: string; summary: string }[] };

/**
 * `provision --dry-run --detailed-exitcode --exchange run` tells a converged app (0) from one whose
 * Exchange objects drifted (10) by running the script read-only ($PlanOnly = $true) through the
 * pwsh stand-in against the sandbox's Exchange state: it must find the missing object, and it must
 * not write it (the state is compared before and after, and the sandbox logs no write cmdlet).
 */
describe('--dry-run --exchange run asks Exchange instead of counting the step as a change', () => {
  let t: Tenant;
  before(async () => {
    t = await startTestTenant();
  });
  after(() => t.close());

  const provision = (name: string, model: string, ...extra: string[]) =>
    runCli(
      [
        'provision',
        ...t.common,
        '--model',
        model,
        '--unique-name',
        name,
        '--mailbox',
        'noreply@contoso.com',
        '--exchange',
        'run',
        '--json',
        ...extra,
      ],
      { env: t.env, cwd: t.dir },
    );
  const dryRun = async (name: string, model: string) => {
    const scriptOut = join(t.dir, `${name}.dry-run.ps1`);
    const since = t.sandbox.mark();
    const before = JSON.stringify(t.sandbox.snapshot().exchange);
    const r = await provision(name, model, '--dry-run', '--detailed-exitcode', '--script-out', scriptOut);
    assert.deepEqual(t.sandbox.mutatingRequests(since), [], 'a dry run sends no write');
    assert.equal(JSON.stringify(t.sandbox.snapshot().exchange), before, 'Exchange is unchanged');
    assert.equal(existsSync(scriptOut), false, 'a dry run writes no script file');
    const exchange =
      r.code === 0 || r.code === 10 ? (JSON.parse(r.stdout) as Result).changes.find((c) => c.step === 'exchange') : undefined;
    return { code: r.code, stderr: r.stderr, exchange };
  };

  it('smtp: 0 when Exchange matches; 10 naming the FullAccess a run would add once it is gone', async () => {
    assert.equal((await provision('plan-smtp', 'smtp')).code, 0);
    const converged = await dryRun('plan-smtp', 'smtp');
    assert.equal(converged.code, 0, converged.stderr);
    assert.equal(converged.exchange?.action, 'none');

    t.sandbox.ctx.state.exchange.mailboxPermissions = [];
    const drifted = await dryRun('plan-smtp', 'smtp');
    assert.equal(drifted.code, 10, drifted.stderr);
    assert.equal(drifted.exchange?.action, 'update');
    assert.match(drifted.exchange?.summary ?? '', /create FullAccess noreply@contoso\.com/);
    assert.doesNotMatch(drifted.exchange?.summary ?? '', /service-principal/);
  });

  it('smtp-rbac: a removed role assignment and a widened scope are found, and left as they are', async () => {
    assert.equal((await provision('plan-rbac', 'smtp-rbac')).code, 0);
    assert.equal((await dryRun('plan-rbac', 'smtp-rbac')).code, 0);

    const state = t.sandbox.ctx.state.exchange;
    state.roleAssignments = [];
    for (const scope of state.managementScopes) scope.recipientRestrictionFilter = "PrimarySmtpAddress -like '*'";
    const drifted = await dryRun('plan-rbac', 'smtp-rbac');
    assert.equal(drifted.code, 10, drifted.stderr);
    assert.match(drifted.exchange?.summary ?? '', /update management-scope/);
    assert.match(drifted.exchange?.summary ?? '', /create role-assignment/);
  });

  it('a new app: the Exchange step is a change without asking Exchange (nothing to look up yet)', async () => {
    const since = t.sandbox.ctx.log.length;
    const fresh = await dryRun('plan-new', 'smtp');
    assert.equal(fresh.code, 10, fresh.stderr);
    assert.equal(fresh.exchange?.action, 'update');
    assert.equal(
      t.sandbox.ctx.log.slice(since).filter((e) => e.kind === 'exchange').length,
      0,
      'pwsh was not started for an app that does not exist',
    );
  });
});
