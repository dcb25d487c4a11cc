import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/** whoami and doctor against the sandbox: the admin app of the sandbox holds the Graph roles provision needs. */
describe('whoami and doctor', () => {
  let t: Tenant;
  before(async () => {
    t = await startTestTenant();
  });
  after(() => t.close());

  it('whoami names the tenant, the app and what each model needs', async () => {
    const r = await runCli(['whoami', ...t.common, '--json'], { env: t.env, cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    const who = JSON.parse(r.stdout);
    assert.equal(who.tenantId, t.sandbox.settings.tenantId);
    assert.equal(who.kind, 'app');
    assert.ok(who.appPermissions.includes('Application.ReadWrite.All'), who.appPermissions);
    assert.deepEqual(
      who.models.map((m: { model: string; ready: boolean }) => `${m.model}:${m.ready}`),
      ['graph:true', 'graph-rbac:true', 'smtp:true', 'smtp-rbac:true', 'delegated-smtp:true'],
    );
    const text = await runCli(['whoami', ...t.common], { env: t.env, cwd: t.dir });
    assert.match(text.stdout, /Signed in as app: /);
    assert.match(text.stdout, /yes {2}--model graph\b/);
  });

  it('whoami without the role to consent to Graph app roles says which models it cannot do', async () => {
    const admin = t.sandbox.ctx.state.servicePrincipals.find((s) => s.appId === t.sandbox.settings.adminClientId)!;
    const graph = t.sandbox.ctx.state.servicePrincipals.find((s) => s.appId === '00000003-0000-0000-c000-000000000000')!;
    const role = graph.appRoles.find((r) => r.value === 'AppRoleAssignment.ReadWrite.All')!;
    const assignments = t.sandbox.ctx.state.appRoleAssignments;
    const index = assignments.findIndex((a) => a.principalId === admin.id && a.appRoleId === role.id);
    assert.ok(index >= 0);
    const [removed] = assignments.splice(index, 1);
    try {
      const r = await runCli(['whoami', ...t.common, '--json'], { env: t.env, cwd: t.dir });
      const graphModel = JSON.parse(r.stdout).models.find((m: { model: string }) => m.model === 'graph');
      assert.equal(graphModel.ready, false);
      assert.match(graphModel.missing.join(' '), /AppRoleAssignment\.ReadWrite\.All/);
      const doctor = await runCli(['doctor', ...t.common, '--pwsh', t.sandbox.settings.pwshPath], { env: t.env, cwd: t.dir });
      assert.match(doctor.stdout, /roles .*not graph, smtp, delegated-smtp|roles .*not graph/);
    } finally {
      assignments.splice(index, 0, removed!);
    }
  });

  it('doctor: every check passes or warns against the sandbox, exit 0', async () => {
    const r = await runCli(['doctor', ...t.common, '--pwsh', t.sandbox.settings.pwshPath, '--json'], {
      env: { ...t.env, ENTRA_MAIL_SMTP_HOST: t.sandbox.settings.smtpHost },
      cwd: t.dir,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout);
    const byId = Object.fromEntries(report.checks.map((c: { id: string; status: string }) => [c.id, c.status]));
    assert.deepEqual(
      {
        node: byId.node,
        signInEndpoint: byId['sign-in-endpoint'],
        graph: byId['graph-endpoint'],
        smtp: byId['smtp-endpoint'],
        signIn: byId['sign-in'],
        roles: byId.roles,
      },
      { node: 'pass', signInEndpoint: 'pass', graph: 'pass', smtp: 'pass', signIn: 'pass', roles: 'pass' },
    );
    assert.ok(['pass', 'warn'].includes(byId.pwsh), byId.pwsh);
  });

  it('doctor: a wrong tenant fails the sign-in endpoint check with exit 3; a missing pwsh is a warning with the fix', async () => {
    const r = await runCli(['doctor', ...t.common, '--tenant', '11111111-2222-3333-4444-555555555555', '--pwsh', '/nonexistent/pwsh'], {
      env: t.env,
      cwd: t.dir,
    });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /fail {2}sign-in-endpoint +Tenant '11111111-2222-3333-4444-555555555555' was not found/);
    assert.match(r.stdout, /warn {2}pwsh +cannot start '\/nonexistent\/pwsh'/);
    assert.match(r.stdout, /Install-Module -Name ExchangeOnlineManagement/);
    assert.match(r.stdout, /Not ready/);
  });
});
