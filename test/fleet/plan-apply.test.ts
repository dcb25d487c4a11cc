import assert from 'node:assert/strict';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/** A fleet file of one tenant (the sandbox's) with two apps: plan shows drift, apply converges, a re-apply writes nothing. */
describe('plan -f / apply -f against the sandbox tenant', () => {
  let t: Tenant;
  let file: string;
  before(async () => {
    t = await startTestTenant();
    file = join(t.dir, 'entra-mail.yaml');
    await mkdir(join(t.dir, 'configs'));
    await writeFile(
      file,
      [
        '# yaml-language-server: $schema=../schemas/entra-mail.schema.json',
        'version: 1',
        'tenants:',
        `  - tenant: ${t.sandbox.settings.tenantId}`,
        '    label: Contoso',
        '    auth: { kind: env }',
        '    apps:',
        '      - name: Fleet Graph',
        '        model: graph',
        '        mailboxes: [noreply@contoso.com]',
        '        format: env',
        '      - name: Fleet Relay',
        '        model: smtp',
        '        exchange: skip',
        '        mailboxes: [scanner@contoso.com]',
        '        format: env',
        '        sinks: { out: "./configs/{tenant}-{uniqueName}.env" }',
        '',
      ].join('\n'),
    );
  });
  after(() => t.close());

  /** The report matches schemas/output.schema.json#/$defs/fleet. */
  const checkReport = async (report: unknown) => {
    const schema = JSON.parse(await readFile(new URL('../../schemas/output.schema.json', import.meta.url), 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    ajv.addSchema(schema, 'output');
    const check = ajv.getSchema('output#/$defs/fleet');
    assert.ok(check?.(report), JSON.stringify(check?.errors, null, 2));
  };

  const writesSince = (mark: number) => t.sandbox.ctx.log.slice(mark).filter((e) => e.kind === 'graph' && e.method !== 'GET');

  it('plan reports every app as drift and changes nothing; --detailed-exitcode exits 10', async () => {
    const mark = t.sandbox.ctx.log.length;
    const r = await runCli(['plan', '-f', file, '--ca-file', t.sandbox.settings.caFile, '--detailed-exitcode', '--output', 'json'], {
      env: t.env,
      cwd: t.dir,
    });
    assert.equal(r.code, 10, r.stderr);
    const report = JSON.parse(r.stdout);
    await checkReport(report);
    assert.equal(report.command, 'plan');
    assert.deepEqual(
      report.tenants[0].apps.map((a: { uniqueName: string; status: string }) => [a.uniqueName, a.status]),
      [
        ['fleet-graph', 'drift'],
        ['fleet-relay', 'drift'],
      ],
    );
    assert.equal(report.tenants[0].tenantId, t.sandbox.settings.tenantId);
    assert.deepEqual(writesSince(mark), []);
    assert.equal(t.sandbox.ctx.state.applications.filter((a) => a.uniqueName?.startsWith('fleet-')).length, 0);
  });

  it('apply in a terminal shows the plan and asks first; no changes nothing', async () => {
    const mark = t.sandbox.ctx.log.length;
    const r = await runCli(['apply', '-f', file, '--ca-file', t.sandbox.settings.caFile], {
      env: t.env,
      cwd: t.dir,
      tty: true,
      stdin: 'n\n',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /fleet-graph: drift[\s\S]*create application[\s\S]*Apply the changes to 1 of 1 tenant\(s\)\?/);
    assert.match(r.stderr, /Nothing was changed in any tenant of /);
    assert.deepEqual(writesSince(mark), []);
  });

  it('apply converges both apps through the provision pipeline (answered yes, live progress); a re-apply sends no write and plan then shows no drift', async () => {
    const apply = await runCli(['apply', '-f', file, '--ca-file', t.sandbox.settings.caFile], {
      env: t.env,
      cwd: t.dir,
      tty: true,
      stdin: 'y\n',
    });
    assert.match(apply.stderr, new RegExp(`${t.sandbox.settings.tenantId}: changed \\(2 app\\(s\\), 2 changed\\)`));
    assert.equal(apply.code, 0, apply.stderr + apply.stdout);
    assert.match(apply.stdout, /TENANT\s+STATUS/);
    assert.match(apply.stdout, /1 tenant\(s\), 2 app\(s\): 0 ok, 1 changed/);
    const apps = t.sandbox.ctx.state.applications.filter((a) => a.uniqueName?.startsWith('fleet-'));
    assert.deepEqual(apps.map((a) => a.uniqueName).sort(), ['fleet-graph', 'fleet-relay']);
    // The default file for an app is in a folder per tenant; a sink path takes {tenant} and {uniqueName}.
    const tenantId = t.sandbox.settings.tenantId;
    const graphConfig = join(t.dir, tenantId, 'fleet-graph.env');
    const relayConfig = join(t.dir, 'configs', `${tenantId}-fleet-relay.env`);
    for (const path of [graphConfig, relayConfig]) assert.equal((await stat(path)).mode & 0o777, 0o600, path);
    const relay = apps.find((a) => a.uniqueName === 'fleet-relay');
    assert.match(await readFile(relayConfig, 'utf8'), new RegExp(relay?.appId ?? 'missing'));

    const mark = t.sandbox.ctx.log.length;
    const again = await runCli(['apply', '-f', file, '--ca-file', t.sandbox.settings.caFile, '--json'], { env: t.env, cwd: t.dir });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(writesSince(mark), []);
    assert.equal(JSON.parse(again.stdout).summary.ok, 1);
    await checkReport(JSON.parse(again.stdout));
    const plan = await runCli(['plan', '-f', file, '--ca-file', t.sandbox.settings.caFile, '--detailed-exitcode'], {
      env: t.env,
      cwd: t.dir,
    });
    assert.equal(plan.code, 0, plan.stderr + plan.stdout);
  });

  it("a value provision would refuse is the file's error, with line and key, before any sign-in (exit 2)", async () => {
    const bad = join(t.dir, 'bad.yaml');
    await writeFile(
      bad,
      `version: 1\ntenants:\n  - tenant: ${t.sandbox.settings.tenantId}\n    apps:\n      - name: Bad\n        mailboxes: [not-an-address]\n`,
    );
    const mark = t.sandbox.ctx.log.length;
    const r = await runCli(['apply', '-f', bad, '--ca-file', t.sandbox.settings.caFile], { env: t.env, cwd: t.dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /bad\.yaml:6:9: tenants\[0\]\.apps\[0\]\.mailboxes: 'not-an-address' is not a mailbox address/);
    assert.deepEqual(t.sandbox.ctx.log.slice(mark), []);
  });
});
