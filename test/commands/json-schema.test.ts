import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

const root = new URL('../../', import.meta.url).pathname;

/** The JSON shapes in schemas/output.schema.json, checked against what the commands really print. */
describe('--json output matches schemas/output.schema.json', () => {
  let t: Tenant;
  let validate: (name: string, doc: unknown) => void;
  before(async () => {
    t = await startTestTenant();
    const schema = JSON.parse(await readFile(join(root, 'schemas', 'output.schema.json'), 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    ajv.addSchema(schema, 'output');
    validate = (name, doc) => {
      const check = ajv.getSchema(`output#/$defs/${name}`);
      assert.ok(check, name);
      assert.ok(check(doc), `${name}: ${JSON.stringify(check.errors, null, 2)}`);
    };
  });
  after(() => t.close());

  it('provision, status, whoami, doctor, verify and an error', async () => {
    const out = join(t.dir, 'schema.env');
    const provision = await runCli(
      [
        'provision',
        ...t.common,
        '--model',
        'smtp',
        '--name',
        'Schema App',
        '--mailbox',
        'noreply@contoso.com',
        '--exchange',
        'run',
        '--pwsh',
        t.sandbox.settings.pwshPath,
        '--format',
        'env',
        '--out',
        out,
        '--json',
      ],
      { env: t.env, cwd: t.dir },
    );
    assert.equal(provision.code, 0, provision.stderr);
    validate('provision', JSON.parse(provision.stdout));
    const dry = await runCli(
      ['provision', ...t.common, '--model', 'graph', '--name', 'Schema Dry', '--mailbox', 'noreply@contoso.com', '--dry-run', '--json'],
      { env: t.env, cwd: t.dir },
    );
    validate('provision', JSON.parse(dry.stdout));
    for (const [command, name] of [
      ['status', 'status'],
      ['whoami', 'whoami'],
    ] as const) {
      const r = await runCli([command, ...t.common, '--json'], { env: t.env, cwd: t.dir });
      assert.equal(r.code, 0, r.stderr);
      validate(name, JSON.parse(r.stdout));
    }
    const doctor = await runCli(['doctor', ...t.common, '--json'], { env: t.env, cwd: t.dir });
    validate('doctor', JSON.parse(doctor.stdout));
    const verify = await runCli(['verify', '--ca-file', t.sandbox.settings.caFile, '--secret-file', out, '--json'], {
      env: t.env,
      cwd: t.dir,
    });
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    validate('verify', JSON.parse(verify.stdout));
    const error = await runCli(['status', ...t.common, '--tenant', '11111111-2222-3333-4444-555555555555', '--json'], {
      env: t.env,
      cwd: t.dir,
    });
    assert.equal(error.code, 3);
    validate('error', JSON.parse(error.stdout));
  });
});
