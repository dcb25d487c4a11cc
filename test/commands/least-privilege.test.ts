import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { trustCaFile } from '../../src/commands/shared/connection.ts';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/**
 * Microsoft's permission tables (docs/permissions.md): an app needs Organization.Read.All (or a
 * Directory permission) to read /organization; Application.ReadWrite.All does not cover it. So the
 * tool takes the tenant id from the admin token's `tid` and reads the organization only when it
 * needs the tenant's domains. These fail if the tool reads /organization on every run, or if the
 * sandbox lets Application.ReadWrite.All read it.
 */
describe('least privilege: an admin app with only the two permissions the README lists', () => {
  let t: Tenant;
  before(async () => {
    t = await startTestTenant({ adminGraphRoles: ['Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All'] });
  });
  after(() => t.close());

  const graph = async (path: string, roles: string[]) => {
    const token = await t.sandbox.ctx.signToken({
      aud: 'https://graph.microsoft.com',
      tid: t.sandbox.ctx.state.tenant.id,
      oid: 'x',
      sub: 'x',
      idtyp: 'app',
      roles,
    });
    return (await fetch(`${t.sandbox.ctx.origin}/v1.0${path}`, { headers: { authorization: `Bearer ${token}` } })).status;
  };

  it('provision and status run without reading the organization', async () => {
    const r = await runCli(
      ['provision', ...t.common, '--model', 'smtp', '--unique-name', 'least-privilege', '--mailbox', 'noreply@contoso.com', '--json'],
      { env: t.env, cwd: t.dir },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).tenantId, t.sandbox.ctx.state.tenant.id);
    const status = await runCli(['status', ...t.common, '--json'], { env: t.env, cwd: t.dir });
    assert.equal(status.code, 0, status.stderr);
  });

  it('app-only Exchange sign-in needs the tenant domain: exit 4 naming Organization.Read.All, before any change', async () => {
    const before = t.sandbox.snapshot().applications.length;
    const r = await runCli(
      [
        'provision',
        ...t.common,
        '--model',
        'smtp',
        '--unique-name',
        'needs-domain',
        '--mailbox',
        'noreply@contoso.com',
        '--exchange-auth',
        'certificate',
        '--exchange-app-id',
        '00000000-0000-0000-0000-000000000001',
        '--exchange-certificate',
        'admin.pfx',
      ],
      { env: t.env, cwd: t.dir },
    );
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /Organization\.Read\.All/);
    assert.equal(t.sandbox.snapshot().applications.length, before);
  });

  // After a CLI run: it trusted the sandbox CA for this process.
  it('the sandbox refuses /organization to Application.ReadWrite.All and allows Organization.Read.All, as the tables say', async () => {
    const tid = t.sandbox.ctx.state.tenant.id;
    assert.equal(await graph('/organization', ['Application.ReadWrite.All']), 403);
    assert.equal(await graph(`/organization/${tid}`, ['Application.ReadWrite.All']), 403);
    assert.equal(await graph(`/organization/${tid}`, ['Organization.Read.All']), 200);
    assert.equal(await graph('/organization', ['Directory.Read.All']), 200);
  });
});

/**
 * Granting an app role (POST …/appRoleAssignedTo) needs AppRoleAssignment.ReadWrite.All together with
 * Application.Read.All or Directory.Read.All; deleting one needs AppRoleAssignment.ReadWrite.All alone
 * (docs/permissions.md). Fails if the sandbox grants with AppRoleAssignment.ReadWrite.All alone; the
 * preflight's side is in test/reliability/preflight.test.ts.
 */
describe('least privilege: granting an app role needs a reader of service principals too', () => {
  let t: Tenant;
  before(async () => {
    t = await startTestTenant();
    await trustCaFile(t.sandbox.settings.caFile);
  });
  after(() => t.close());

  it('the sandbox refuses the grant to AppRoleAssignment.ReadWrite.All alone and allows it with Application.Read.All; a delete needs only the first', async () => {
    const state = t.sandbox.ctx.state;
    const graphSp = state.servicePrincipals.find((sp) => sp.appId === '00000003-0000-0000-c000-000000000000');
    const admin = state.servicePrincipals.find((sp) => sp.appId === t.sandbox.settings.adminClientId);
    assert.ok(graphSp && admin);
    const mailSend = graphSp.appRoles.find((r) => r.value === 'Mail.Send');
    assert.ok(mailSend);
    const call = async (method: string, path: string, roles: string[], body?: unknown) => {
      const token = await t.sandbox.ctx.signToken({
        aud: 'https://graph.microsoft.com',
        tid: state.tenant.id,
        oid: 'x',
        sub: 'x',
        idtyp: 'app',
        roles,
      });
      const response = await fetch(`${t.sandbox.ctx.origin}/v1.0${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, body: response.status === 204 ? undefined : ((await response.json()) as { id?: string }) };
    };
    const grant = { principalId: admin.id, resourceId: graphSp.id, appRoleId: mailSend.id };
    const path = `/servicePrincipals/${graphSp.id}/appRoleAssignedTo`;
    assert.equal((await call('POST', path, ['AppRoleAssignment.ReadWrite.All'], grant)).status, 403);
    assert.equal((await call('GET', path, ['AppRoleAssignment.ReadWrite.All'])).status, 403);
    const created = await call('POST', path, ['AppRoleAssignment.ReadWrite.All', 'Application.Read.All'], grant);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await call('DELETE', `${path}/${created.body?.id}`, ['AppRoleAssignment.ReadWrite.All'])).status, 204);
  });
});
