import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../sandbox-harness.ts';
import { call, EVENTUAL } from './helpers.ts';

const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const EXCHANGE_APP_ID = '00000002-0000-0ff1-ce00-000000000000';
const quoted = (values: string[]) => values.map((v) => `'${v}'`).join(',');
const path = (collection: string, filter: string) => `/v1.0/${collection}?$filter=${encodeURIComponent(filter)}`;

/**
 * docs/graph-list-queries.md#filter-support and #limits: each property takes the operators its
 * resource page lists and no others; `in` takes at most 15 values and an `eq` value at most 120
 * characters in a default query; an advanced query is bounded by its URL length instead.
 */
describe('conformance: $filter operators per property and query limits', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const refused = async (target: string, headers: Record<string, string> = {}) => {
    const r = await call(h, 'GET', target, { headers });
    assert.equal(r.status, 400, `${target} should be refused: ${r.text}`);
    assert.equal(r.json.error.code, 'Request_UnsupportedQuery');
    return r.json.error.message as string;
  };

  it('answers the lists status sends: tags/any on applications and service principals, appId in (…) up to 15', async () => {
    for (const collection of ['applications', 'servicePrincipals']) {
      const r = await call(h, 'GET', `${path(collection, "tags/any(t:t eq 'entra-mail:managed')")}&$top=999`);
      assert.equal(r.status, 200, r.text);
    }
    const ids = [GRAPH_APP_ID, EXCHANGE_APP_ID, ...Array.from({ length: 13 }, () => randomUUID())];
    const r = await call(h, 'GET', path('servicePrincipals', `appId in (${quoted(ids)})`));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.value.map((sp: { appId: string }) => sp.appId).sort(), [EXCHANGE_APP_ID, GRAPH_APP_ID].sort());
    const grants = await call(h, 'GET', path('oauth2PermissionGrants', "consentType eq 'AllPrincipals'"));
    assert.equal(grants.status, 200, grants.text);
  });

  it('refuses a 16th value in `in` by default, and takes it as an advanced query', async () => {
    const ids = Array.from({ length: 16 }, () => randomUUID());
    assert.match(await refused(path('servicePrincipals', `appId in (${quoted(ids)})`)), /'in'/);
    const advanced = await call(h, 'GET', `${path('servicePrincipals', `appId in (${quoted(ids)})`)}&$count=true`, { headers: EVENTUAL });
    assert.equal(advanced.status, 200, advanced.text);
  });

  it('bounds an advanced query by a 2,048-character URL', async () => {
    const ids = Array.from({ length: 60 }, () => randomUUID());
    await refused(`${path('servicePrincipals', `appId in (${quoted(ids)})`)}&$count=true`, EVENTUAL);
  });

  it('refuses an eq value over 120 characters in a default query', async () => {
    await refused(path('applications', `displayName eq '${'x'.repeat(121)}'`));
    const r = await call(h, 'GET', path('applications', `displayName eq '${'x'.repeat(120)}'`));
    assert.equal(r.status, 200, r.text);
  });

  it('refuses operators a property does not list: in on a grant clientId (eq only), startsWith on an id, any on a scalar', async () => {
    const ids = [randomUUID(), randomUUID()];
    await refused(path('oauth2PermissionGrants', `clientId in (${quoted(ids)})`));
    await refused(path('oauth2PermissionGrants', "startswith(consentType,'All')"));
    await refused(path('servicePrincipals', `startswith(id,'${ids[0]}')`));
    await refused(path('applications', "displayName/any(d:d eq 'x')"));
    await refused(path('applications', "tags eq 'entra-mail:managed'"));
  });

  it('refuses a property no page lists as filterable', async () => {
    await refused(path('applications', "description eq 'x'"));
    await refused(path('servicePrincipals', "notes eq 'x'"));
  });
});
