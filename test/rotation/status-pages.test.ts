import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { MANAGED_TAG } from '../../src/core/tags.ts';
import { startLifecycleTenant } from './helpers.ts';

/**
 * docs/graph-list-queries.md#what-status-reads: `status` reads the managed apps, their service
 * principals, the assignments and the admin grants in pages, so its request count follows the
 * number of pages, not of apps; and the consent it reports is still each app's own.
 */
let t: Awaited<ReturnType<typeof startLifecycleTenant>>;
const COPIES = 30;
before(async () => {
  t = await startLifecycleTenant();
  await t.provision('pg-smtp', 'smtp');
  await t.provision('pg-graph', 'graph');
  await t.provision('pg-delegated', 'delegated-smtp');
  await t.provision('pg-rbac', 'smtp-rbac');
  copyApp('pg-smtp', COPIES);
});
after(() => t.close());

/** What provision would leave for `count` more apps of the same model: app, service principal, assignments. */
function copyApp(uniqueName: string, count: number): void {
  const state = t.sandbox.ctx.state;
  const app = t.app(uniqueName);
  const sp = state.servicePrincipals.find((s) => s.appId === app.appId);
  if (!sp) throw new Error('no service principal');
  for (let i = 0; i < count; i++) {
    const name = `${uniqueName}-${i}`;
    const copy = { ...structuredClone(app), id: randomUUID(), appId: randomUUID(), uniqueName: name, displayName: name };
    const spCopy = { ...structuredClone(sp), id: randomUUID(), appId: copy.appId, displayName: name };
    state.applications.push(copy);
    state.servicePrincipals.push(spCopy);
    for (const a of state.appRoleAssignments.filter((x) => x.principalId === sp.id)) {
      state.appRoleAssignments.push({ ...a, id: randomUUID(), principalId: spCopy.id, principalDisplayName: name });
    }
  }
}

async function status(): Promise<{ consent: Map<string, string>; graphRequests: string[] }> {
  const mark = t.sandbox.ctx.log.length;
  const r = await t.cli(['status', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const apps = (JSON.parse(r.stdout) as { apps: { uniqueName: string; consent: string }[] }).apps;
  const graphRequests = t.sandbox.ctx.log
    .slice(mark)
    .filter((e) => e.kind === 'graph')
    .map((e) => `${e.method} ${e.path}${decodeURIComponent(e.query ?? '')}`);
  return { consent: new Map(apps.map((a) => [a.uniqueName, a.consent])), graphRequests };
}

test('status reads 34 apps in a constant number of requests, with page size 10', async () => {
  const before = t.sandbox.ctx.knobs.pageSize;
  t.sandbox.ctx.knobs.pageSize = 10;
  try {
    const { consent, graphRequests } = await status();
    assert.equal(consent.size, COPIES + 4);
    assert.equal(consent.get('pg-smtp'), 'granted');
    assert.equal(consent.get('pg-graph'), 'granted');
    assert.equal(consent.get('pg-delegated'), 'granted');
    assert.equal(consent.get('pg-rbac'), 'not-required');
    assert.ok([...consent.values()].every((c) => c !== 'missing' && c !== 'no-service-principal'));
    // $top=999 asks for whole pages; the sandbox's knob makes them 10, so the lists page 4 times each.
    const count = (p: RegExp) => graphRequests.filter((r) => p.test(r)).length;
    assert.equal(count(/^GET \/v1\.0\/applications\?/), 4, graphRequests.join('\n'));
    assert.equal(count(/^GET \/v1\.0\/servicePrincipals\?.*tags\/any/), 4, graphRequests.join('\n'));
    assert.ok(graphRequests.length <= 20, `requests ≈ pages, not apps: ${graphRequests.length}\n${graphRequests.join('\n')}`);
    assert.ok(!graphRequests.some((r) => /\/appRoleAssignments\b/.test(r)), 'no per-app assignment reads');
  } finally {
    t.sandbox.ctx.knobs.pageSize = before;
  }
});

test('the assignments a page of apps calls for are read beside the next pages, not after the last one', async () => {
  const before = t.sandbox.ctx.knobs.pageSize;
  t.sandbox.ctx.knobs.pageSize = 10;
  try {
    const mark = t.sandbox.ctx.log.length;
    const r = await t.cli(['status', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const log = t.sandbox.ctx.log.slice(mark).filter((e) => e.kind === 'graph');
    const appPages = log.filter((e) => e.path === '/v1.0/applications');
    const assignments = log.filter((e) => e.path.endsWith('/appRoleAssignedTo'));
    assert.equal(appPages.length, 4);
    assert.ok(assignments.length > 0);
    // The first page names smtp and graph apps: their resources' assignments are asked for before the last page of apps is answered.
    const firstAssignment = Math.min(...assignments.map((e) => e.startedAt ?? e.at));
    assert.ok(firstAssignment < (appPages.at(-1)?.at ?? 0), log.map((e) => `${e.startedAt}..${e.at} ${e.path}`).join('\n'));
  } finally {
    t.sandbox.ctx.knobs.pageSize = before;
  }
});

test('an app whose service principal lacks the managed tag is found by appId; a removed assignment shows as missing', async () => {
  const state = t.sandbox.ctx.state;
  const untagged = state.servicePrincipals.find((s) => s.appId === t.app('pg-smtp-3').appId);
  assert.ok(untagged);
  untagged.tags = untagged.tags.filter((tag) => tag !== MANAGED_TAG);
  const lost = state.servicePrincipals.find((s) => s.appId === t.app('pg-smtp-7').appId);
  assert.ok(lost);
  state.appRoleAssignments = state.appRoleAssignments.filter((a) => a.principalId !== lost.id);
  const { consent, graphRequests } = await status();
  assert.equal(consent.get('pg-smtp-3'), 'granted', 'found by appId in (…)');
  assert.equal(consent.get('pg-smtp-7'), 'missing');
  assert.equal(consent.get('pg-smtp-8'), 'granted');
  assert.equal(graphRequests.filter((r) => r.includes('appId in (')).length, 1, graphRequests.join('\n'));
});
