import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { workloadEnvironment } from '../../src/commands/sandbox.ts';
import { runCli, startTestTenant } from '../helpers/cli.ts';

/**
 * `--auth workload-identity` (docs/sign-in.md#workload-identity-federation): the CLI signs in with
 * AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE through @azure/identity's
 * WorkloadIdentityCredential, in any tenant that consented the app, with no secret anywhere; a
 * missing file is exit 2 before anything is sent, a refused token exit 3 naming the AADSTS code.
 */
describe('--auth workload-identity', () => {
  let t: Awaited<ReturnType<typeof startTestTenant>>;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    t = await startTestTenant({ tenants: 2 });
    const { AZURE_CLIENT_SECRET: _secret, ...rest } = t.env;
    env = { ...rest, ...workloadEnvironment(t.sandbox.settings) };
  });
  after(() => t.close());
  const common = () => ['--auth', 'workload-identity', '--ca-file', t.sandbox.settings.caFile];

  it('provisions in a customer tenant with the federated token file and no secret', async () => {
    const customer = t.sandbox.tenants[1];
    assert.ok(customer);
    const args = [...common(), '--tenant', customer.tenantId, '--yes', '--model', 'smtp', '--name', 'Federated mailer'];
    const r = await runCli(['provision', ...args, '--mailbox', customer.mailboxes[0] as string, '--exchange', 'api', '--json'], {
      env,
      cwd: t.dir,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(t.sandbox.snapshot(customer.tenantId).applications.some((a) => a.displayName === 'Federated mailer'));
    const tokens = t.sandbox.ctx.log.filter((e) => e.kind === 'token' && e.tenant === customer.tenantId);
    assert.ok(tokens.length > 0 && tokens.every((e) => e.status === 200));
  });

  it('stops with exit 2 when AZURE_FEDERATED_TOKEN_FILE is missing or unreadable, before any request', async () => {
    const before = t.sandbox.ctx.log.length;
    const { AZURE_FEDERATED_TOKEN_FILE: _file, ...withoutFile } = env;
    const missing = await runCli(['whoami', ...common()], { env: withoutFile, cwd: t.dir });
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /AZURE_FEDERATED_TOKEN_FILE/);
    const unreadable = await runCli(['whoami', ...common()], {
      env: { ...env, AZURE_FEDERATED_TOKEN_FILE: join(t.dir, 'nope') },
      cwd: t.dir,
    });
    assert.equal(unreadable.code, 2, unreadable.stderr);
    assert.equal(t.sandbox.ctx.log.length, before);
  });

  it('ends with exit 3 and the AADSTS code when Entra refuses the token (another subject)', async () => {
    const file = join(t.dir, 'other-subject.jwt');
    await writeFile(file, await t.sandbox.issueFederatedToken({ subject: 'system:serviceaccount:other:job' }), { mode: 0o600 });
    const r = await runCli(['whoami', ...common()], { env: { ...env, AZURE_FEDERATED_TOKEN_FILE: file }, cwd: t.dir });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /AADSTS700213/);
    assert.match(r.stderr, /subject/);
  });
});
