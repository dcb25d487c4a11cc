import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MODELS, type ModelName } from '../../src/core/models.ts';
import { checkPrivileges } from '../../src/preflight/check-privileges.ts';
import { DIRECTORY_ROLES } from '../../src/core/well-known.ts';
import { startHarness, type Harness } from '../../scripts/lib/harness.ts';
import { provisionArgs } from './helpers.ts';

const ALL_ROLES = [
  'Application.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'DelegatedPermissionGrant.ReadWrite.All',
  'Organization.Read.All',
];
const permissionsOf = (model: ModelName) => MODELS[model].permissions;

/** Preflight: the identity's roles and permissions are read before any change. */
describe('preflight: a run that cannot finish stops before its first change (exit 4)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const appToken = (roles: string[]) =>
    h.sandbox.ctx.signToken({
      aud: 'https://graph.microsoft.com',
      tid: h.sandbox.settings.tenantId,
      appid: 'a',
      oid: 'o',
      sub: 'o',
      idtyp: 'app',
      roles,
    });
  const userToken = (wids: string[], scp = 'Directory.AccessAsUser.All') =>
    h.sandbox.ctx.signToken({
      aud: 'https://graph.microsoft.com',
      tid: h.sandbox.settings.tenantId,
      oid: 'u',
      sub: 'u',
      idtyp: 'user',
      scp,
      wids,
    });

  const cases: [string, () => Promise<string>, ModelName, string | undefined][] = [
    ['app with every permission, model graph', () => appToken(ALL_ROLES), 'graph', undefined],
    [
      'app without AppRoleAssignment.ReadWrite.All, model graph',
      () => appToken(['Application.ReadWrite.All']),
      'graph',
      'AppRoleAssignment.ReadWrite.All',
    ],
    [
      'app without AppRoleAssignment.ReadWrite.All, model smtp-rbac (nothing to consent)',
      () => appToken(['Application.ReadWrite.All']),
      'smtp-rbac',
      undefined,
    ],
    [
      'app without DelegatedPermissionGrant.ReadWrite.All, model delegated-smtp',
      () => appToken(['Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All']),
      'delegated-smtp',
      'DelegatedPermissionGrant.ReadWrite.All',
    ],
    [
      'app without Application.ReadWrite.All',
      () => appToken(['AppRoleAssignment.ReadWrite.All']),
      'smtp-rbac',
      'Application.ReadWrite.All',
    ],
    [
      // Granting an app role needs AppRoleAssignment.ReadWrite.All together with a reader of service principals.
      'app with Application.ReadWrite.OwnedBy and AppRoleAssignment.ReadWrite.All, model graph',
      () => appToken(['Application.ReadWrite.OwnedBy', 'AppRoleAssignment.ReadWrite.All']),
      'graph',
      'AppRoleAssignment.ReadWrite.All + (Application.Read.All or',
    ],
    [
      'app with Application.ReadWrite.OwnedBy, AppRoleAssignment.ReadWrite.All and Application.Read.All, model graph',
      () => appToken(['Application.ReadWrite.OwnedBy', 'AppRoleAssignment.ReadWrite.All', 'Application.Read.All']),
      'graph',
      undefined,
    ],
    [
      'app with Application.ReadWrite.OwnedBy only, model smtp-rbac',
      () => appToken(['Application.ReadWrite.OwnedBy']),
      'smtp-rbac',
      undefined,
    ],
    [
      'Cloud Application Administrator, Graph Mail.Send (needs GA or PRA)',
      () => userToken([DIRECTORY_ROLES['Cloud Application Administrator']]),
      'graph',
      'Privileged Role Administrator',
    ],
    [
      'Cloud Application Administrator, Exchange SMTP.SendAsApp',
      () => userToken([DIRECTORY_ROLES['Cloud Application Administrator']]),
      'smtp',
      undefined,
    ],
    [
      'Privileged Role Administrator, Graph Mail.Send',
      () => userToken([DIRECTORY_ROLES['Privileged Role Administrator']]),
      'graph',
      undefined,
    ],
    [
      'Global Administrator without a directory scope in the sign-in',
      () => userToken([DIRECTORY_ROLES['Global Administrator']], 'User.Read'),
      'graph',
      'Application.ReadWrite.All',
    ],
  ];
  for (const [label, token, model, missing] of cases) {
    it(`checkPrivileges: ${label} → ${missing ? `missing ${missing}` : 'ok'}`, async () => {
      const report = checkPrivileges(await token(), permissionsOf(model));
      assert.equal(report.checked, true);
      if (missing === undefined) assert.deepEqual(report.missing, []);
      else
        assert.ok(
          report.missing.some((m) => m.needed.includes(missing)),
          JSON.stringify(report.missing),
        );
    });
  }

  it('an unreadable token is not checked and blocks nothing', () => {
    assert.deepEqual(checkPrivileges('opaque-token', permissionsOf('graph')), { identity: 'unknown', checked: false, missing: [] });
  });
});

describe('preflight through the CLI', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ adminGraphRoles: ['Application.ReadWrite.All', 'Organization.Read.All'] });
  });
  after(() => h.close());

  it('admin without AppRoleAssignment.ReadWrite.All: provision --model graph exits 4 naming it, and nothing is changed', async () => {
    const r = await h.run(provisionArgs(h, 'preflight-graph'));
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /AppRoleAssignment\.ReadWrite\.All/);
    assert.match(r.stderr, /step: preflight \(consent\)/);
    assert.deepEqual(h.sandbox.mutatingRequests(), []);
  });

  it('the same admin with --dry-run: the plan shows the gap, exit 4, nothing changed', async () => {
    const r = await h.run([...provisionArgs(h, 'preflight-graph'), '--dry-run']);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stdout, /Plan \(dry run/);
    assert.match(r.stdout, /missing: .*AppRoleAssignment\.ReadWrite\.All/);
    assert.deepEqual(h.sandbox.mutatingRequests(), []);
  });

  it('the same admin can run smtp-rbac, which consents nothing in Entra', async () => {
    const r = await h.run(provisionArgs(h, 'preflight-rbac', 'smtp-rbac'));
    assert.equal(r.code, 0, r.stderr);
  });
});

describe('preflight checks what the plan will do, not what the model could need', () => {
  it('a re-run whose consent is in place needs no consent privilege; a new consent still does', async () => {
    const h = await startHarness();
    try {
      assert.equal((await h.run(provisionArgs(h, 'consented'))).code, 0);
      // The admin app loses AppRoleAssignment.ReadWrite.All (the next sign-in's token lacks it).
      const state = h.sandbox.ctx.state;
      const graphSp = state.servicePrincipals.find((s) => s.appId === '00000003-0000-0000-c000-000000000000')!;
      const role = graphSp.appRoles.find((r) => r.value === 'AppRoleAssignment.ReadWrite.All')!;
      const adminSp = state.servicePrincipals.find((s) => s.appId === h.sandbox.settings.adminClientId)!;
      state.appRoleAssignments = state.appRoleAssignments.filter((a) => !(a.principalId === adminSp.id && a.appRoleId === role.id));
      const rerun = await h.run(provisionArgs(h, 'consented'));
      assert.equal(rerun.code, 0, rerun.stderr);
      const since = h.sandbox.ctx.log.length;
      const fresh = await h.run(provisionArgs(h, 'needs-consent'));
      assert.equal(fresh.code, 4, fresh.stderr);
      assert.match(fresh.stderr, /AppRoleAssignment\.ReadWrite\.All/);
      assert.deepEqual(
        h.sandbox.ctx.log.slice(since).filter((e) => e.kind === 'graph' && e.method !== 'GET'),
        [],
      );
    } finally {
      await h.close();
    }
  });
});
