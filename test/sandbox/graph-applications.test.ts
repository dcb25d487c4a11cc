import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GraphError } from '@microsoft/microsoft-graph-client';
import { claimsOf, graphFetch, manualClock, postTokenForm, startHarness, type Harness } from './sandbox-harness.ts';

describe('sandbox Graph: applications and secrets', () => {
  let h: Harness;
  const clock = manualClock();
  before(async () => {
    h = await startHarness({ clock, knobs: { replicationMs: 30_000 } });
  });
  after(() => h.close());

  it('upserts by uniqueName: 201 with the body, then 204; 404 without Prefer', async () => {
    const graph = h.graph(h.admin());
    const created = await graph
      .api("/applications(uniqueName='upsert-me')")
      .header('Prefer', 'create-if-missing')
      .patch({ displayName: 'Upsert me', signInAudience: 'AzureADMyOrg' });
    assert.equal(created.uniqueName, 'upsert-me');
    assert.match(created['@odata.context'], /\$metadata#applications/);
    const again = await graphFetch(h, 'PATCH', "/applications(uniqueName='upsert-me')", { displayName: 'Upsert me' });
    assert.equal(again.status, 204, 'an existing key is a 204 even before replication');
    const missing = await graphFetch(h, 'PATCH', "/applications(uniqueName='nobody')", { displayName: 'x' });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'Request_ResourceNotFound');
    assert.equal(h.sandbox.snapshot().applications.filter((a) => a.uniqueName === 'upsert-me').length, 1);
  });

  it('hides a new app from reads until replication, then serves it by id, appId, uniqueName and $filter', async () => {
    const app = (await graphFetch(h, 'POST', '/applications', { displayName: 'Replicating', uniqueName: 'replicating' })).body;
    const early = await graphFetch(h, 'GET', `/applications/${app.id}`);
    assert.equal(early.status, 404);
    assert.equal(
      early.body.error.message,
      `Resource '${app.id}' does not exist or one of its queried reference-property objects are not present.`,
    );
    assert.match(early.body.error.innerError.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    assert.equal(early.body.error.innerError['request-id'], early.headers.get('request-id'));
    assert.equal((await graphFetch(h, 'GET', `/applications?$filter=displayName eq 'Replicating'`)).body.value.length, 0);
    clock.advance(30_000);
    const graph = h.graph(h.admin());
    assert.equal((await graph.api(`/applications/${app.id}`).get()).appId, app.appId);
    assert.equal((await graph.api(`/applications(appId='${app.appId}')`).get()).id, app.id);
    assert.equal((await graph.api("/applications(uniqueName='replicating')").get()).id, app.id);
    const listed = await graph.api('/applications').filter("startswith(displayName,'Replic')").select('id,displayName').get();
    assert.deepEqual(listed.value, [{ id: app.id, displayName: 'Replicating' }]);
    assert.match(listed['@odata.context'], /applications\(id,displayName\)$/);
  });

  it("rejects unknown properties with Graph's 400 envelope", async () => {
    const graph = h.graph(h.admin());
    await assert.rejects(graph.api('/applications').post({ displayName: 'bad', colour: 'blue' }), (error: GraphError) => {
      assert.equal(error.statusCode, 400);
      assert.equal(error.code, 'Request_BadRequest');
      assert.equal(error.message, "Property 'colour' does not exist on type 'microsoft.graph.application'.");
      assert.ok(error.requestId);
      return true;
    });
  });

  it('addPassword answers 200 with a 40-char secret that fails (7000215) until replicated, then works', async () => {
    const app = (await graphFetch(h, 'POST', '/applications', { displayName: 'With secret' })).body;
    await graphFetch(h, 'POST', '/servicePrincipals', { appId: app.appId }).then((r) =>
      assert.equal(r.status, 400, 'app not replicated yet'),
    );
    clock.advance(30_000);
    assert.equal((await graphFetch(h, 'POST', '/servicePrincipals', { appId: app.appId })).status, 201);
    clock.advance(30_000);
    const pwd = await graphFetch(h, 'POST', `/applications/${app.id}/addPassword`, { passwordCredential: { displayName: 'rotation 1' } });
    assert.equal(pwd.status, 200);
    assert.equal(pwd.body.secretText.length, 40);
    assert.equal(pwd.body.hint, pwd.body.secretText.slice(0, 3));
    assert.equal(Date.parse(pwd.body.endDateTime) - Date.parse(pwd.body.startDateTime), Math.floor(2 * 365.25 * 86400) * 1000);
    const form = {
      grant_type: 'client_credentials',
      client_id: app.appId,
      client_secret: pwd.body.secretText,
      scope: 'https://graph.microsoft.com/.default',
    };
    assert.deepEqual((await postTokenForm(h, form)).body['error_codes'], [7000215]);
    clock.advance(30_000);
    const ok = await postTokenForm(h, form);
    assert.equal(ok.status, 200);
    assert.equal(claimsOf(String(ok.body['access_token']))['appid'], app.appId);
    const stored = h.sandbox.snapshot().applications.find((a) => a.id === app.id);
    assert.equal(JSON.stringify(stored).includes(pwd.body.secretText), false, 'the secret text is never stored');
    const read = await graphFetch(h, 'GET', `/applications/${app.id}?$select=passwordCredentials`);
    assert.equal(read.body.passwordCredentials[0].secretText, null);

    assert.equal((await graphFetch(h, 'POST', `/applications/${app.id}/removePassword`, { keyId: pwd.body.keyId })).status, 204);
    assert.equal((await postTokenForm(h, form)).status, 401);
    assert.equal((await graphFetch(h, 'POST', `/applications/${app.id}/removePassword`, { keyId: pwd.body.keyId })).status, 404);
  });

  it('enforces the tenant app-management policy on addPassword', async () => {
    const app = (await graphFetch(h, 'POST', '/applications', { displayName: 'Policy' })).body;
    clock.advance(30_000);
    const policy = h.sandbox.ctx.state.appManagementPolicy;
    policy.maxPasswordLifetimeDays = 90;
    const tooLong = await graphFetch(h, 'POST', `/applications/${app.id}/addPassword`, {});
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.body.error.code, 'CredentialInvalidLifetimeAsPerAppPolicy');
    assert.match(tooLong.body.error.message, new RegExp(policy.policyId));
    const end = new Date(clock.nowMs() + 30 * 86400_000).toISOString();
    assert.equal(
      (await graphFetch(h, 'POST', `/applications/${app.id}/addPassword`, { passwordCredential: { endDateTime: end } })).status,
      200,
    );
    policy.passwordCredentialsAllowed = false;
    const banned = await graphFetch(h, 'POST', `/applications/${app.id}/addPassword`, {});
    assert.equal(banned.body.error.code, 'CredentialTypeNotAllowedAsPerAppPolicy');
    assert.match(banned.body.error.message, new RegExp(policy.policyId));
    policy.passwordCredentialsAllowed = true;
    delete policy.maxPasswordLifetimeDays;
  });

  it('keeps uniqueName immutable and rejects read-only properties', async () => {
    const created = await graphFetch(h, 'PATCH', "/applications(uniqueName='fixed')", { displayName: 'Fixed' });
    assert.equal(created.status, 404);
    const app = (await graphFetch(h, 'POST', '/applications', { displayName: 'Fixed', uniqueName: 'fixed' })).body;
    clock.advance(30_000);
    const renamed = await graphFetch(h, 'PATCH', `/applications/${app.id}`, { uniqueName: 'other' });
    assert.equal(renamed.status, 400);
    assert.equal((await graphFetch(h, 'PATCH', `/applications/${app.id}`, { appId: '00000000-0000-0000-0000-000000000000' })).status, 400);
    assert.equal((await graphFetch(h, 'PATCH', `/applications/${app.id}`, { notes: 'managed', tags: ['a'] })).status, 204);
    assert.deepEqual((await graphFetch(h, 'GET', `/applications/${app.id}?$select=notes,tags`)).body.tags, ['a']);
  });
});
