import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/**
 * Six sandbox tenants, two apps each, one multi-tenant admin app (--auth env) signing in to every
 * one: four shards of plan -f cover the file exactly once; apply -f puts each app in its own tenant
 * and nowhere else; a re-apply sends no write anywhere; status -f then finds nothing due.
 */
describe('plan, apply and status -f over six tenants', () => {
  let t: Tenant;
  let common: string[];
  before(async () => {
    t = await startTestTenant({ tenants: 6 });
    const file = join(t.dir, 'entra-mail.yaml');
    common = ['-f', file, '--ca-file', t.sandbox.settings.caFile];
    const lines = ['version: 1', 'defaults:', '  app: { format: env, exchange: skip }', 'tenants:'];
    t.sandbox.tenants.forEach((tenant, i) => {
      // Half by id, half by domain: both are how an admin names a tenant.
      lines.push(`  - tenant: ${i % 2 === 0 ? tenant.tenantId : tenant.domain}`, `    label: Customer ${i}`, '    apps:');
      lines.push(`      - { name: Notices, model: graph, mailboxes: [${tenant.mailboxes[0]}] }`);
      lines.push(`      - { name: Scanner, model: smtp, mailboxes: [${tenant.mailboxes[1] ?? tenant.mailboxes[0]}] }`);
    });
    await writeFile(file, `${lines.join('\n')}\n`);
  });
  after(() => t.close());

  const keyOf = (i: number) => {
    const tenant = t.sandbox.tenants[i];
    return (i % 2 === 0 ? tenant?.tenantId : tenant?.domain) as string;
  };

  it('four shards of plan -f: every tenant in exactly one, each showing drift', async () => {
    const seen: string[] = [];
    for (let shard = 1; shard <= 4; shard++) {
      const r = await runCli(['plan', ...common, '--shard', `${shard}/4`, '--json'], { env: t.env, cwd: t.dir });
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      assert.equal(report.shard, `${shard}/4`);
      for (const tenant of report.tenants) {
        assert.equal(tenant.status, 'drift', tenant.tenant);
        seen.push(tenant.tenant);
      }
    }
    assert.deepEqual([...seen].sort(), t.sandbox.tenants.map((_, i) => keyOf(i)).sort());
  });

  it("apply -f puts each tenant's apps in that tenant only; a re-apply writes nothing; status -f finds nothing due", async () => {
    const r = await runCli(['apply', ...common, '--concurrency', '4', '--json'], { env: t.env, cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report.summary, { tenants: 6, ok: 0, drift: 0, changed: 6, due: 0, failed: 0, apps: 12 });
    t.sandbox.tenants.forEach((tenant, i) => {
      const entry = report.tenants.find((x: { tenant: string }) => x.tenant === keyOf(i));
      assert.equal(entry.tenantId, tenant.tenantId, 'the token named the tenant of the file');
      const apps = t.sandbox.snapshot(tenant.tenantId).applications.filter((a) => ['notices', 'scanner'].includes(String(a.uniqueName)));
      assert.equal(apps.length, 2, tenant.domain);
      for (const app of entry.apps)
        assert.ok(
          apps.some((a) => a.appId === app.appId),
          `${app.uniqueName} is in ${tenant.domain}`,
        );
    });
    const mark = t.sandbox.ctx.log.length;
    const again = await runCli(['apply', ...common, '--json'], { env: t.env, cwd: t.dir });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).summary.ok, 6);
    const writes = t.sandbox.ctx.log.slice(mark).filter((e) => e.kind === 'graph' && e.method !== 'GET');
    assert.deepEqual(writes, []);
    const status = await runCli(['status', ...common, '--json'], { env: t.env, cwd: t.dir });
    assert.equal(status.code, 0, status.stderr);
    assert.equal(JSON.parse(status.stdout).summary.ok, 6);
  });
});
