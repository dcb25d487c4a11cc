import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../sandbox-harness.ts';
import { call, createApps, EVENTUAL } from './helpers.ts';

/**
 * docs/sandbox-fidelity.md#paging-and-counting: default page 100, $top 1–999, @odata.nextLink
 * until the last page (https://learn.microsoft.com/graph/paging,
 * https://learn.microsoft.com/graph/api/application-list); @odata.count and /$count only with
 * ConsistencyLevel: eventual (https://learn.microsoft.com/graph/aad-advanced-queries).
 */
describe('conformance: paging and counting', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await createApps(h, 'Paged', 130);
  });
  after(() => h.close());

  it('pages a collection at 100 without $top and links to the rest until the last page', async () => {
    const first = await call(h, 'GET', "/v1.0/applications?$filter=startswith(displayName,'Paged')");
    assert.equal(first.status, 200);
    assert.equal(first.json.value.length, 100);
    const link = first.json['@odata.nextLink'] as string;
    assert.ok(link, 'a next link while items remain');
    const next = new URL(link);
    assert.equal(next.pathname, '/v1.0/applications');
    assert.equal(next.searchParams.get('$filter'), "startswith(displayName,'Paged')", 'the link keeps the query');
    assert.ok(next.searchParams.get('$skiptoken'));
    const second = await call(h, 'GET', `${next.pathname}${next.search}`);
    assert.equal(second.json.value.length, 30);
    assert.equal(second.json['@odata.nextLink'], undefined, 'no link on the last page');
    const names = new Set([...first.json.value, ...second.json.value].map((a: { displayName: string }) => a.displayName));
    assert.equal(names.size, 130, 'every item once');
  });

  it('honours $top from 1 to 999 and refuses 0 and 1000', async () => {
    const top = await call(h, 'GET', "/v1.0/applications?$top=7&$filter=startswith(displayName,'Paged')");
    assert.equal(top.json.value.length, 7);
    assert.equal(new URL(top.json['@odata.nextLink']).searchParams.get('$top'), '7');
    assert.equal((await call(h, 'GET', '/v1.0/applications?$top=999')).status, 200);
    for (const bad of ['0', '1000']) assert.equal((await call(h, 'GET', `/v1.0/applications?$top=${bad}`)).status, 400, `$top=${bad}`);
  });

  it('adds @odata.count to $count=true only with ConsistencyLevel: eventual, and ignores it without', async () => {
    const counted = await call(h, 'GET', "/v1.0/applications?$count=true&$top=5&$filter=startswith(displayName,'Paged')", {
      headers: EVENTUAL,
    });
    assert.equal(counted.json['@odata.count'], 130);
    assert.equal(counted.json.value.length, 5);
    const ignored = await call(h, 'GET', "/v1.0/applications?$count=true&$top=5&$filter=startswith(displayName,'Paged')");
    assert.equal(ignored.status, 200);
    assert.equal(ignored.json['@odata.count'], undefined);
  });

  it('answers the /$count segment as text/plain with the header, and 400 without', async () => {
    const counted = await call(h, 'GET', '/v1.0/servicePrincipals/$count', { headers: EVENTUAL });
    assert.equal(counted.status, 200);
    assert.match(counted.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(counted.text, String(h.sandbox.snapshot().servicePrincipals.length));
    const refused = await call(h, 'GET', '/v1.0/applications/$count');
    assert.equal(refused.status, 400);
    assert.equal(refused.json.error.code, 'Request_BadRequest');
    assert.equal(refused.json.error.message, '$count is not currently supported.');
  });

  it('pages navigation collections too: a resource service principal’s appRoleAssignedTo', async () => {
    const graphSp = h.sandbox.snapshot().servicePrincipals.find((sp) => sp.displayName === 'Microsoft Graph');
    const page = await call(h, 'GET', `/v1.0/servicePrincipals/${graphSp?.id}/appRoleAssignedTo?$top=1`);
    assert.equal(page.json.value.length, 1);
    assert.ok(page.json['@odata.nextLink'], 'the admin holds several roles on Graph');
  });
});
