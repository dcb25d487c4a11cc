import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestClock } from '../mail/helpers/test-clock.ts';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/**
 * Entra soft-deletes an app for 30 days and keeps its unique name meanwhile; a create with the name
 * answers 400 (docs/graph-applications.md "Delete, restore, purge"). These tests fail if the
 * sandbox frees the name on DELETE (the re-provision would just create a new app) or if the tool
 * does not look in deleted items (exit 2 "nothing was sent", or no restore).
 */
describe('deleted apps: the unique name held for 30 days, restore and purge', () => {
  let t: Tenant;
  const clock = createTestClock(Date.now());
  before(async () => {
    t = await startTestTenant({ clock });
  });
  after(() => t.close());

  const provision = (uniqueName: string, extra: string[] = []) =>
    runCli(
      [
        'provision',
        ...t.common,
        '--model',
        'smtp',
        '--name',
        'Deleted Test',
        '--unique-name',
        uniqueName,
        '--mailbox',
        'noreply@contoso.com',
        '--exchange',
        'skip',
        '--json',
        ...extra,
      ],
      { env: t.env, cwd: t.dir, clock },
    );
  const deprovision = (uniqueName: string, extra: string[] = []) =>
    runCli(['deprovision', ...t.common, '--app', uniqueName, '--exchange', 'skip', '--yes', ...extra], { env: t.env, cwd: t.dir, clock });
  const graph = async (method: string, path: string, body?: unknown) => {
    const token = await t.sandbox.ctx.signToken({
      aud: 'https://graph.microsoft.com',
      tid: t.sandbox.ctx.state.tenant.id,
      oid: 'test',
      sub: 'test',
      idtyp: 'app',
      roles: ['Application.ReadWrite.All'],
    });
    const response = await fetch(`${t.sandbox.ctx.origin}/v1.0${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', prefer: 'create-if-missing' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: response.status === 204 ? undefined : ((await response.json()) as Record<string, unknown>) };
  };

  it('a provision after deprovision stops with exit 5 and both ways out; --restore-deleted brings the same app back', async () => {
    const first = await provision('held-name');
    assert.equal(first.code, 0, first.stderr);
    const appId = JSON.parse(first.stdout).application.appId as string;
    const spId = t.sandbox.snapshot().servicePrincipals.find((s) => s.appId === appId)?.id;
    assert.equal((await deprovision('held-name')).code, 0);

    // The sandbox answers as Graph does: listed in deleted items with deletedDateTime; no type, no list.
    const listed = await graph('GET', '/directory/deletedItems/microsoft.graph.application');
    const items = listed.body?.value as { appId: string; uniqueName: string; deletedDateTime: string }[];
    assert.ok(items.some((a) => a.appId === appId && a.uniqueName === 'held-name' && typeof a.deletedDateTime === 'string'));
    assert.equal((await graph('GET', '/directory/deletedItems')).status, 400);
    // …and a create with the held name is 400 Request_BadRequest with an ObjectConflict detail, not 409.
    const create = await graph('PATCH', "/applications(uniqueName='held-name')", { displayName: 'Other' });
    const error = create.body?.error as { code: string; details: { code: string; target: string }[] };
    assert.equal(create.status, 400);
    assert.equal(error.code, 'Request_BadRequest');
    assert.deepEqual(
      error.details.map((d) => [d.code, d.target]),
      [['ObjectConflict', 'uniqueName']],
    );

    const again = await provision('held-name');
    assert.equal(again.code, 5, again.stderr);
    assert.match(again.stderr, /held by app .*deleted on \d{4}-\d{2}-\d{2}.*30 days.*Nothing was changed/s);
    assert.match(again.stderr, /--restore-deleted/);
    assert.equal(t.sandbox.snapshot().applications.filter((a) => a.uniqueName === 'held-name').length, 0, 'nothing created');

    const restored = await provision('held-name', ['--restore-deleted']);
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal(JSON.parse(restored.stdout).application.appId, appId, 'the same app, not a new one');
    assert.equal(t.sandbox.snapshot().servicePrincipals.find((s) => s.appId === appId)?.id, spId, 'its service principal restored too');
    const converged = await provision('held-name');
    assert.equal(converged.code, 0, converged.stderr);
    assert.ok(JSON.parse(converged.stdout).changes.every((c: { action: string }) => c.action === 'none'));
  });

  it('the printed deprovision --purge runs as printed, asks first, and frees the name at once', async () => {
    assert.equal((await provision('purge-name')).code, 0);
    assert.equal((await deprovision('purge-name')).code, 0);
    const held = await provision('purge-name');
    assert.equal(held.code, 5);
    const printed = /entra-mail (deprovision [^\n]*--purge)/.exec(held.stderr)?.[1];
    assert.ok(printed, held.stderr);
    // Verbatim, plus only this machine's sign-in context (--ca-file); at a terminal it asks first.
    const argv = [...printed.split(' '), ...t.common];
    const declined = await runCli(argv, { env: t.env, cwd: t.dir, clock, stdin: 'y\n', tty: true });
    assert.equal(declined.code, 0);
    assert.match(declined.stderr, /cannot be undone[\s\S]*type 'purge-name' to confirm[\s\S]*Nothing was changed/);
    const purged = await runCli(argv, { env: t.env, cwd: t.dir, clock, stdin: 'purge-name\n', tty: true });
    assert.equal(purged.code, 0, purged.stderr);
    const listed = await graph('GET', '/directory/deletedItems/microsoft.graph.application');
    assert.ok(!((listed.body?.value ?? []) as { uniqueName: string }[]).some((a) => a.uniqueName === 'purge-name'));
    const fresh = await provision('purge-name');
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.equal(JSON.parse(fresh.stdout).changes[0].action, 'create');
  });

  it('deprovision --purge on a live app deletes it for good; after 30 days a deleted app is gone by itself', async () => {
    assert.equal((await provision('purge-live')).code, 0);
    assert.equal((await deprovision('purge-live', ['--purge'])).code, 0);
    assert.equal((await provision('purge-live')).code, 0, 'the name is free at once');

    assert.equal((await provision('thirty-days')).code, 0);
    assert.equal((await deprovision('thirty-days')).code, 0);
    assert.equal((await provision('thirty-days')).code, 5);
    clock.advance(30 * 24 * 60 * 60 * 1000 + 1000);
    const later = await provision('thirty-days');
    assert.equal(later.code, 0, later.stderr);
  });
});
