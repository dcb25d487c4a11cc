import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXCHANGE_APP_ID, GRAPH_APP_ID } from '../../../src/core/well-known.ts';
import { generateAppCertificate } from '../../../src/credentials/certificate.ts';
import { startHarness, type Harness } from '../sandbox-harness.ts';
import { call } from './helpers.ts';

/**
 * docs/sandbox-fidelity.md#select-and-expand and "Addresses clients use": $select narrows the
 * answer and @odata.context names the selection (https://learn.microsoft.com/graph/api/application-list,
 * example 4); an unknown name is 400; a service principal expands appRoleAssignments
 * (https://learn.microsoft.com/graph/api/resources/serviceprincipal); /myorganization and /beta.
 */
describe('conformance: $select, $expand and the addresses clients use', () => {
  let h: Harness;
  let appId = '';
  before(async () => {
    h = await startHarness();
    appId = (await call(h, 'POST', '/v1.0/applications', { body: { displayName: 'Selected' } })).json.id;
  });
  after(() => h.close());

  it('returns only the selected properties and names them in @odata.context', async () => {
    const list = await call(h, 'GET', "/v1.0/applications?$select=id,displayName&$filter=displayName eq 'Selected'");
    assert.equal(list.json['@odata.context'], `${h.sandbox.settings.graphEndpoint}/v1.0/$metadata#applications(id,displayName)`);
    assert.deepEqual(Object.keys(list.json.value[0]).sort(), ['displayName', 'id']);
    const one = await call(h, 'GET', `/v1.0/applications/${appId}?$select=appId`);
    assert.equal(one.json['@odata.context'], `${h.sandbox.settings.graphEndpoint}/v1.0/$metadata#applications(appId)/$entity`);
    assert.deepEqual(Object.keys(one.json).sort(), ['@odata.context', 'appId']);
  });

  it("returns a certificate's key only to a read of one application that selects keyCredentials", async () => {
    // "Returned only on $select for a single object … otherwise, it's always null": https://learn.microsoft.com/graph/api/resources/keycredential
    const certificate = await generateAppCertificate({ subject: 'selected', lifetimeDays: 30, now: new Date() });
    const key = certificate.publicDerBase64;
    const patched = await call(h, 'PATCH', `/v1.0/applications/${appId}`, {
      body: { keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key, displayName: 'CN=selected' }] },
    });
    assert.equal(patched.status, 204, patched.text);
    const keyOf = (app: { keyCredentials: { key: string | null }[] }) => app.keyCredentials[0]?.key;
    assert.equal(keyOf((await call(h, 'GET', `/v1.0/applications/${appId}?$select=id,keyCredentials`)).json), key);
    assert.equal(keyOf((await call(h, 'GET', `/v1.0/applications/${appId}`)).json), null);
    const list = await call(h, 'GET', "/v1.0/applications?$select=id,keyCredentials&$filter=displayName eq 'Selected'");
    assert.equal(list.status, 200, list.text);
    assert.equal(keyOf(list.json.value[0]), null, 'a list never returns the key');
  });

  it('refuses a $select or $expand name the type does not have', async () => {
    for (const query of ['$select=id,notAProperty', '$expand=notARelationship']) {
      const r = await call(h, 'GET', `/v1.0/servicePrincipals?${query}`);
      assert.equal(r.status, 400, query);
      assert.match(
        r.json.error.message,
        /Could not find a property named 'notA(Property|Relationship)' on type 'microsoft\.graph\.servicePrincipal'/,
      );
    }
    assert.equal((await call(h, 'GET', `/v1.0/applications/${appId}?$select=secretText`)).status, 400);
  });

  it("expands a service principal's appRoleAssignments, filtered by appId as clients ask", async () => {
    const admin = h.sandbox.settings.adminClientId;
    const r = await call(h, 'GET', `/v1.0/servicePrincipals?$expand=appRoleAssignments&$filter=appId eq '${admin}'`);
    assert.equal(r.status, 200);
    const assignments = r.json.value[0].appRoleAssignments as { resourceDisplayName: string }[];
    assert.ok(assignments.length >= 4, 'the admin app holds its Graph roles');
    assert.ok(assignments.some((a) => a.resourceDisplayName === 'Microsoft Graph'));
    const one = await call(h, 'GET', `/v1.0/servicePrincipals(appId='${admin}')?$expand=appRoleAssignments`);
    assert.equal(one.json.appRoleAssignments.length, assignments.length);
  });

  it('reads a collection property by path: a resource’s appRoles', async () => {
    const r = await call(h, 'GET', `/v1.0/servicePrincipals(appId='${EXCHANGE_APP_ID}')/appRoles`);
    assert.equal(r.status, 200);
    assert.ok(r.json.value.some((role: { value: string }) => role.value === 'SMTP.SendAsApp'));
  });

  it('serves /v1.0/myorganization/… as /v1.0/…, writes included', async () => {
    const plain = await call(h, 'GET', `/v1.0/servicePrincipals(appId='${GRAPH_APP_ID}')?$select=id`);
    const aliased = await call(h, 'GET', `/v1.0/myorganization/servicePrincipals(appId='${GRAPH_APP_ID}')?$select=id`);
    assert.equal(aliased.status, 200);
    assert.equal(aliased.json.id, plain.json.id);
    const created = await call(h, 'POST', '/v1.0/myorganization/applications', { body: { displayName: 'Through the alias' } });
    assert.equal(created.status, 201);
    assert.equal((await call(h, 'GET', `/v1.0/applications/${created.json.id}`)).status, 200);
  });

  it('serves /beta with the same shapes and says /beta in @odata.context', async () => {
    const r = await call(h, 'GET', `/beta/applications/${appId}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.id, appId);
    assert.equal(r.json['@odata.context'], `${h.sandbox.settings.graphEndpoint}/beta/$metadata#applications/$entity`);
  });
});
