import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { GRAPH_APP_ID } from '../../src/core/well-known.ts';
import { startSandbox } from '../../src/sandbox/index.ts';
import { runCli, startTestTenant } from '../helpers/cli.ts';
import { type Harness, startHarness } from './sandbox-harness.ts';

/**
 * A sandbox of several tenants (docs/sandbox-fidelity.md#many-tenants): each has its own id,
 * domain, directory and Exchange; the token endpoint serves the tenant named in its path, Graph
 * and Exchange the tenant of the token's `tid`. The one admin app is multi-tenant
 * (docs/sign-in.md#one-admin-app-for-many-tenants): its object stays in tenant 0, every other
 * tenant holds its consented service principal, so its secret signs in to any of them.
 */
describe('a sandbox of several tenants', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ tenants: 3 });
  });
  after(() => h.close());

  const credentialFor = (tenantId: string) => {
    const { settings } = h.sandbox;
    return h.credential(settings.adminClientId, settings.adminClientSecret.reveal(), tenantId);
  };

  it('lists every tenant with its own id, domain and mailboxes; tenant 0 is the one a single sandbox has', () => {
    const [home, first, second] = h.sandbox.tenants;
    assert.equal(h.sandbox.tenants.length, 3);
    assert.deepEqual(h.sandbox.settings.tenants, h.sandbox.tenants);
    assert.equal(home?.tenantId, h.sandbox.settings.tenantId);
    assert.equal(home?.domain, 'contoso.onmicrosoft.com');
    assert.ok(home?.mailboxes.includes('noreply@contoso.com'));
    assert.equal(first?.domain, 'tenant-001.onmicrosoft.com');
    assert.equal(second?.domain, 'tenant-002.onmicrosoft.com');
    assert.ok(first?.mailboxes.includes('noreply@tenant-001.onmicrosoft.com'));
    assert.equal(new Set(h.sandbox.tenants.map((t) => t.tenantId)).size, 3);
  });

  it('issues the admin app a token for each tenant, by id or domain: tid is that tenant, appid the admin app', async () => {
    for (const tenant of h.sandbox.tenants) {
      for (const name of [tenant.tenantId, tenant.domain]) {
        const token = await credentialFor(name).getToken('https://graph.microsoft.com/.default');
        const claims = decodeJwt(token.token);
        assert.equal(claims.tid, tenant.tenantId);
        assert.equal(claims.appid, h.sandbox.settings.adminClientId);
        assert.equal(claims.iss, `https://sts.windows.net/${tenant.tenantId}/`);
        assert.ok((claims.roles as string[]).includes('Application.ReadWrite.All'));
      }
    }
  });

  it('refuses a tenant the sandbox does not host with AADSTS90002', async () => {
    const { settings } = h.sandbox;
    for (const tenant of [randomUUID(), 'tenant-003.onmicrosoft.com']) {
      const response = await fetch(`${settings.authorityHost}/${tenant}/oauth2/v2.0/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: settings.adminClientId,
          client_secret: settings.adminClientSecret.reveal(),
          scope: 'https://graph.microsoft.com/.default',
        }),
      });
      assert.equal(response.status, 400);
      assert.deepEqual(((await response.json()) as { error_codes: number[] }).error_codes, [90002]);
    }
  });

  it("keeps each tenant's directory apart: an app made with a token of one tenant exists in that tenant only", async () => {
    const [, first, second] = h.sandbox.tenants;
    assert.ok(first && second);
    const graph = h.graph(credentialFor(first.tenantId));
    const created = await graph.api('/applications').post({ displayName: 'Only in tenant one' });
    const names = (state: ReturnType<typeof h.sandbox.snapshot>) => state.applications.map((a) => a.displayName);
    assert.ok(names(h.sandbox.snapshot(first.tenantId)).includes('Only in tenant one'));
    assert.ok(!names(h.sandbox.snapshot(second.tenantId)).includes('Only in tenant one'));
    assert.ok(!names(h.sandbox.snapshot()).includes('Only in tenant one'));
    const listed = await h.graph(credentialFor(second.tenantId)).api('/applications').get();
    assert.ok(!listed.value.some((a: { id: string }) => a.id === created.id));
    const organization = await graph.api('/organization').get();
    assert.equal(organization.value[0].id, first.tenantId);
  });

  it("holds the admin app's consented service principal in a customer tenant, not its application object", async () => {
    const [home, first] = h.sandbox.tenants;
    assert.ok(home && first);
    const appId = h.sandbox.settings.adminClientId;
    const customer = h.sandbox.snapshot(first.tenantId);
    assert.equal(customer.applications.filter((a) => a.appId === appId).length, 0);
    const sp = customer.servicePrincipals.find((s) => s.appId === appId);
    assert.equal(sp?.appOwnerOrganizationId, home.tenantId);
    const graphSp = customer.servicePrincipals.find((s) => s.appId === GRAPH_APP_ID);
    const granted = customer.appRoleAssignments.filter((a) => a.principalId === sp?.id && a.resourceId === graphSp?.id);
    assert.ok(granted.length >= 4);
    assert.equal(h.sandbox.snapshot().applications.find((a) => a.appId === appId)?.signInAudience, 'AzureADMultipleOrgs');
  });

  it('refuses a multi-tenant app in a tenant without its service principal (AADSTS7000229) until one is created there', async () => {
    const [home, first] = h.sandbox.tenants;
    assert.ok(home && first);
    const homeGraph = h.graph(credentialFor(home.tenantId));
    const tokenIn = async (tenant: string, appId: string, secret: string) => {
      const response = await fetch(`${h.sandbox.settings.authorityHost}/${tenant}/oauth2/v2.0/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: appId,
          client_secret: secret,
          scope: 'https://graph.microsoft.com/.default',
        }),
      });
      return { status: response.status, body: (await response.json()) as { error_codes?: number[]; access_token?: string } };
    };
    const register = async (signInAudience: string) => {
      const app = await homeGraph.api('/applications').post({ displayName: `Vendor app ${signInAudience}`, signInAudience });
      await homeGraph.api('/servicePrincipals').post({ appId: app.appId });
      const password = await homeGraph.api(`/applications/${app.id}/addPassword`).post({ passwordCredential: { displayName: 'p' } });
      return { appId: app.appId as string, secret: password.secretText as string };
    };
    const multi = await register('AzureADMultipleOrgs');
    const single = await register('AzureADMyOrg');
    assert.equal((await tokenIn(home.tenantId, multi.appId, multi.secret)).status, 200);
    const missing = await tokenIn(first.tenantId, multi.appId, multi.secret);
    assert.equal(missing.status, 401);
    assert.deepEqual(missing.body.error_codes, [7000229]);
    assert.deepEqual((await tokenIn(first.tenantId, single.appId, single.secret)).body.error_codes, [700016]);

    const sp = await h.graph(credentialFor(first.tenantId)).api('/servicePrincipals').post({ appId: multi.appId });
    assert.equal(sp.appOwnerOrganizationId, home.tenantId);
    const granted = await tokenIn(first.tenantId, multi.appId, multi.secret);
    assert.equal(granted.status, 200);
    assert.equal(decodeJwt(granted.body.access_token as string).tid, first.tenantId);
    await assert.rejects(
      h.graph(credentialFor(first.tenantId)).api('/servicePrincipals').post({ appId: single.appId }),
      /valid application object/,
    );
  });

  it('fires a fault rule limited to one tenant only on that tenant', async () => {
    const [, first, second] = h.sandbox.tenants;
    assert.ok(first && second);
    h.sandbox.ctx.faults.push({
      kind: 'graph',
      method: 'GET',
      path: /\/organization$/,
      tenant: second.tenantId,
      action: { type: 'status', status: 500 },
    });
    const fine = await h.graph(credentialFor(first.tenantId)).api('/organization').get();
    assert.equal(fine.value[0].id, first.tenantId);
    await assert.rejects(
      h.graph(credentialFor(second.tenantId)).api('/organization').get(),
      (e: { statusCode?: number }) => e.statusCode === 500,
    );
    assert.equal(h.sandbox.ctx.log.filter((e) => e.path === '/v1.0/organization' && e.tenant === second.tenantId).at(-1)?.status, 500);
  });
});

describe('the CLI against a customer tenant of a multi-tenant sandbox', () => {
  it('provisions with the admin app and --tenant, Exchange and SMTP of that tenant, and a second run writes nothing', async () => {
    const t = await startTestTenant({ tenants: 3 });
    try {
      const customer = t.sandbox.tenants[2];
      assert.ok(customer);
      const mailbox = customer.mailboxes[0] as string;
      const args = ['provision', ...t.common, '--tenant', customer.tenantId, '--yes', '--model', 'smtp', '--name', 'Customer mailer'];
      const full = [...args, '--mailbox', mailbox, '--exchange', 'api', '--verify', '--json'];
      const r = await runCli(full, { env: t.env, cwd: t.dir });
      assert.equal(r.code, 0, r.stderr);
      const state = t.sandbox.snapshot(customer.tenantId);
      const app = state.applications.find((a) => a.displayName === 'Customer mailer');
      assert.ok(app, 'the app is in the customer tenant');
      assert.ok(!t.sandbox.snapshot().applications.some((a) => a.displayName === 'Customer mailer'), 'and not in tenant 0');
      assert.ok(state.exchange.mailboxPermissions.some((p) => p.identity === mailbox));
      assert.ok(
        state.mail.delivered.some((m) => m.via === 'smtp' && m.appId === app.appId),
        'the test mail went through SMTP of that tenant',
      );
      assert.equal(t.sandbox.snapshot().mail.delivered.length, 0);
      const since = t.sandbox.mark();
      const again = await runCli([...args, '--mailbox', mailbox, '--exchange', 'api', '--json'], { env: t.env, cwd: t.dir });
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(t.sandbox.mutatingRequests(since), []);
    } finally {
      await t.close();
    }
  });
});

describe('many tenants stay cheap and survive a restart', () => {
  it('builds a tenant only when it is used, and --state FILE keeps every tenant built', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'entra-mail-tenants-'));
    const statePath = join(dir, 'state.json');
    try {
      const first = await startSandbox({ tenants: 200, statePath, dir: join(dir, 'a') });
      const target = first.tenants[137];
      assert.ok(target);
      assert.equal(first.ctx.tenants.built().length, 1);
      first.snapshot(target.domain);
      first.ctx.tenants.find(target.tenantId)?.exchange.mailboxes.push({
        address: `kept@${target.domain}`,
        displayName: 'Kept',
        licensed: true,
        smtpClientAuthenticationDisabled: null,
      });
      assert.equal(first.ctx.tenants.built().length, 2);
      await first.close();

      const second = await startSandbox({ tenants: 200, statePath, dir: join(dir, 'b') });
      try {
        assert.deepEqual(
          second.tenants.map((t) => t.tenantId),
          first.tenants.map((t) => t.tenantId),
        );
        assert.ok(second.snapshot(target.tenantId).exchange.mailboxes.some((m) => m.address === `kept@${target.domain}`));
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
