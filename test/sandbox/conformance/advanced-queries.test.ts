import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../sandbox-harness.ts';
import { call, createApps, EVENTUAL } from './helpers.ts';

const q = (filter: string) => `/v1.0/applications?$filter=${encodeURIComponent(filter)}`;

/**
 * docs/sandbox-fidelity.md#advanced-queries: ne, not and endsWith need ConsistencyLevel:
 * eventual and $count=true, else 400 Request_UnsupportedQuery naming the operator; endsWith is not
 * offered on applications at all; $search needs the header
 * (https://learn.microsoft.com/graph/aad-advanced-queries).
 */
describe('conformance: advanced queries', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await createApps(h, 'Query', 3);
    await createApps(h, 'Other', 2);
  });
  after(() => h.close());

  for (const [operator, filter] of [
    ['ne', "displayName ne 'Query 000'"],
    ['not', "not(startswith(displayName,'Query'))"],
    ['endsWith', "endswith(displayName,'000')"],
  ] as const) {
    it(`refuses '${operator}' without the advanced query parameters, naming the operator`, async () => {
      for (const headers of [{}, EVENTUAL]) {
        const r = await call(h, 'GET', q(filter), { headers });
        assert.equal(r.status, 400);
        assert.equal(r.json.error.code, 'Request_UnsupportedQuery');
        assert.match(
          r.json.error.message,
          new RegExp(`^Operator '${operator}' is not supported because the required parameters might be missing`),
        );
      }
      const countOnly = await call(h, 'GET', `${q(filter)}&$count=true`);
      assert.equal(countOnly.status, 400, '$count=true without the header is not enough');
    });
  }

  it('answers ne and not as advanced queries', async () => {
    const ne = await call(h, 'GET', `${q("displayName ne 'Query 000'")}&$count=true`, { headers: EVENTUAL });
    assert.equal(ne.status, 200);
    assert.ok(!ne.json.value.some((a: { displayName: string }) => a.displayName === 'Query 000'));
    const not = await call(h, 'GET', `${q("not(startswith(displayName,'Query'))")}&$count=true`, { headers: EVENTUAL });
    assert.deepEqual(
      not.json.value
        .map((a: { displayName: string }) => a.displayName)
        .filter((n: string) => n.startsWith('Query') || n.startsWith('Other')),
      ['Other 000', 'Other 001'],
    );
    assert.equal(typeof not.json['@odata.count'], 'number');
  });

  it('refuses endsWith on an application property even as an advanced query', async () => {
    const r = await call(h, 'GET', `${q("endswith(displayName,'000')")}&$count=true`, { headers: EVENTUAL });
    assert.equal(r.status, 400);
    assert.equal(
      r.json.error.message,
      "Unsupported or invalid query filter clause specified for property 'displayName' of resource 'Application'.",
    );
  });

  it('needs the header for $search, and then matches words by prefix', async () => {
    const refused = await call(h, 'GET', `/v1.0/applications?$search=${encodeURIComponent('"displayName:Query"')}`);
    assert.equal(refused.status, 400);
    assert.equal(
      refused.json.error.message,
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    );
    const found = await call(h, 'GET', `/v1.0/applications?$search=${encodeURIComponent('"displayName:Quer"')}`, { headers: EVENTUAL });
    assert.equal(found.json.value.length, 3);
  });

  it('sorts with $orderby only as an advanced query', async () => {
    assert.equal((await call(h, 'GET', '/v1.0/applications?$orderby=displayName')).status, 400);
    const sorted = await call(h, 'GET', '/v1.0/applications?$orderby=displayName desc&$count=true', { headers: EVENTUAL });
    const names = sorted.json.value.map((a: { displayName: string }) => a.displayName);
    assert.deepEqual(
      names,
      [...names].sort((a: string, b: string) => b.localeCompare(a, 'en', { sensitivity: 'base' })),
    );
  });

  it('keeps default queries working without either parameter: eq, in, startsWith, any', async () => {
    assert.equal((await call(h, 'GET', q("displayName eq 'Query 001'"))).json.value.length, 1);
    assert.equal((await call(h, 'GET', q("displayName in ('Query 001','Other 001')"))).json.value.length, 2);
    assert.equal((await call(h, 'GET', q("startswith(displayName,'Other')"))).json.value.length, 2);
    const graph = await call(
      h,
      'GET',
      `/v1.0/servicePrincipals?$filter=${encodeURIComponent("servicePrincipalNames/any(n:n eq 'https://graph.microsoft.com')")}`,
    );
    assert.equal(graph.json.value[0]?.displayName, 'Microsoft Graph');
  });
});
