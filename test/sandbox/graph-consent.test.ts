import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXCHANGE_APP_ID, EXCHANGE_ROLES, GRAPH_APP_ID, GRAPH_ROLES } from '../../src/core/well-known.ts';
import { graphFetch, manualClock, startHarness, type Harness } from './sandbox-harness.ts';

describe('sandbox Graph: service principals and consent', () => {
  let h: Harness;
  const clock = manualClock();
  let exchangeSpId: string;
  before(async () => {
    h = await startHarness({ clock, knobs: { replicationMs: 10_000 } });
    exchangeSpId = (await graphFetch(h, 'GET', `/servicePrincipals?$filter=appId eq '${EXCHANGE_APP_ID}'`)).body.value[0].id;
  });
  after(() => h.close());

  async function newApp(name: string): Promise<{ id: string; appId: string }> {
    const app = (await graphFetch(h, 'POST', '/applications', { displayName: name })).body;
    clock.advance(10_000);
    return app;
  }

  it('answers NoBackingApplicationObject before the app replicates, and 409 ObjectConflict for a duplicate', async () => {
    const app = (await graphFetch(h, 'POST', '/applications', { displayName: 'sp-race' })).body;
    const early = await graphFetch(h, 'POST', '/servicePrincipals', { appId: app.appId });
    assert.equal(early.status, 400);
    assert.equal(early.body.error.code, 'Request_BadRequest');
    assert.equal(
      early.body.error.message,
      `The appId '${app.appId}' of the service principal does not reference a valid application object.`,
    );
    assert.deepEqual(
      early.body.error.details.map((d: { code: string; target: string }) => [d.code, d.target]),
      [['NoBackingApplicationObject', 'appId']],
    );
    clock.advance(10_000);
    assert.equal((await graphFetch(h, 'POST', '/servicePrincipals', { appId: app.appId })).status, 201);
    const duplicate = await graphFetch(h, 'POST', '/servicePrincipals', { appId: app.appId });
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.error.code, 'Request_MultipleObjectsWithSameKeyValue');
    assert.equal(duplicate.body.error.details[0].code, 'ObjectConflict');
    const upsert = await fetch(`${h.sandbox.settings.graphEndpoint}/v1.0/servicePrincipals(appId='${app.appId}')`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${await h.adminToken()}`, 'content-type': 'application/json', prefer: 'create-if-missing' },
      body: JSON.stringify({ tags: ['WindowsAzureActiveDirectoryIntegratedApp'] }),
    });
    assert.equal(upsert.status, 204);
  });

  it('creates app role assignments once: unreplicated principal, wrong role and duplicate are 400s', async () => {
    const app = await newApp('consent');
    const sp = (await graphFetch(h, 'POST', '/servicePrincipals', { appId: app.appId })).body;
    const body = { principalId: sp.id, resourceId: exchangeSpId, appRoleId: EXCHANGE_ROLES['SMTP.SendAsApp'] };
    const path = `/servicePrincipals/${exchangeSpId}/appRoleAssignedTo`;
    const early = await graphFetch(h, 'POST', path, body);
    assert.equal(early.status, 400);
    assert.equal(early.body.error.message, 'Not a valid reference update.');
    clock.advance(10_000);
    const wrongRole = await graphFetch(h, 'POST', path, { ...body, appRoleId: GRAPH_ROLES['Application.ReadWrite.All'] });
    assert.equal(wrongRole.status, 400);
    const created = await graphFetch(h, 'POST', path, body);
    assert.equal(created.status, 201);
    assert.match(created.body.id, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(created.body.principalType, 'ServicePrincipal');
    const duplicate = await graphFetch(h, 'POST', `/servicePrincipals/${sp.id}/appRoleAssignments`, body);
    assert.equal(duplicate.status, 400);
    assert.equal(duplicate.body.error.message, 'Permission being assigned already exists on the object');
    assert.equal(duplicate.body.error.details[0].code, 'InvalidUpdate');
    assert.equal((await graphFetch(h, 'GET', `/servicePrincipals/${sp.id}/appRoleAssignments`)).body.value.length, 0, 'not replicated yet');
    clock.advance(10_000);
    const held = (await graphFetch(h, 'GET', `/servicePrincipals/${sp.id}/appRoleAssignments`)).body.value;
    assert.deepEqual(
      held.map((a: { appRoleId: string }) => a.appRoleId),
      [EXCHANGE_ROLES['SMTP.SendAsApp']],
    );
    assert.equal((await graphFetch(h, 'DELETE', `${path}/${created.body.id}`)).status, 204);
    assert.equal(h.sandbox.snapshot().appRoleAssignments.filter((a) => a.principalId === sp.id).length, 0);
  });

  it('keeps one oauth2PermissionGrant per client/resource/consentType and patches its scope', async () => {
    const app = await newApp('delegated');
    const sp = (await graphFetch(h, 'POST', '/servicePrincipals', { appId: app.appId })).body;
    clock.advance(10_000);
    const graphSpId = (await graphFetch(h, 'GET', `/servicePrincipals(appId='${GRAPH_APP_ID}')`)).body.id;
    const grant = { clientId: sp.id, consentType: 'AllPrincipals', resourceId: graphSpId, scope: 'SMTP.Send' };
    const created = await graphFetch(h, 'POST', '/oauth2PermissionGrants', grant);
    assert.equal(created.status, 201);
    const duplicate = await graphFetch(h, 'POST', '/oauth2PermissionGrants', grant);
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.error.message, 'Permission entry already exists.');
    clock.advance(10_000);
    assert.equal(
      (await graphFetch(h, 'PATCH', `/oauth2PermissionGrants/${created.body.id}`, { scope: 'SMTP.Send offline_access' })).status,
      204,
    );
    const found = await graphFetch(h, 'GET', `/oauth2PermissionGrants?$filter=clientId eq '${sp.id}' and consentType eq 'AllPrincipals'`);
    assert.deepEqual(
      found.body.value.map((g: { scope: string }) => g.scope),
      ['SMTP.Send offline_access'],
    );

    // Deleting the app takes its service principal, assignments and grants with it.
    assert.equal((await graphFetch(h, 'DELETE', `/applications/${app.id}`)).status, 204);
    const state = h.sandbox.snapshot();
    assert.equal(
      state.servicePrincipals.some((s) => s.id === sp.id),
      false,
    );
    assert.equal(
      state.oauth2PermissionGrants.some((g) => g.clientId === sp.id),
      false,
    );
  });

  it('answers 401 without a valid Graph token and 403 without the needed role', async () => {
    const none = await fetch(`${h.sandbox.settings.graphEndpoint}/v1.0/applications`);
    assert.equal(none.status, 401);
    assert.equal(((await none.json()) as { error: { code: string } }).error.code, 'InvalidAuthenticationToken');
    const exchangeToken = (await h.admin().getToken('https://outlook.office365.com/.default')).token;
    const wrongAudience = await graphFetch(h, 'GET', '/applications', undefined, exchangeToken);
    assert.equal(wrongAudience.status, 401);
    assert.equal(wrongAudience.body.error.message, 'Access token validation failure. Invalid audience.');

    const reader = await startHarness({ adminGraphRoles: ['Organization.Read.All'] });
    try {
      assert.equal((await graphFetch(reader, 'GET', '/organization')).status, 200);
      const denied = await graphFetch(reader, 'POST', '/applications', { displayName: 'nope' });
      assert.equal(denied.status, 403);
      assert.equal(denied.body.error.code, 'Authorization_RequestDenied');
      assert.equal(denied.body.error.message, 'Insufficient privileges to complete the operation.');
      assert.equal(reader.sandbox.snapshot().applications.length, 1, 'only the admin app');
    } finally {
      await reader.close();
    }
  });
});
