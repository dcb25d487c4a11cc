import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { combinedPem, generateAppCertificate } from '../../src/credentials/certificate.ts';
import { runCli, startTestTenant } from '../helpers/cli.ts';

/**
 * The multi-tenant admin app signs in to a customer tenant with a certificate
 * (docs/sign-in.md#one-admin-app-for-many-tenants): `--auth env` with AZURE_CLIENT_CERTIFICATE_PATH
 * sends a client assertion signed with the key, naming the certificate by thumbprint; the sandbox
 * accepts it only when that certificate is a keyCredential of the app in its home tenant. A tenant
 * without the app's service principal refuses it with AADSTS7000229, which the CLI explains.
 */
describe('the multi-tenant admin app in a customer tenant', () => {
  let t: Awaited<ReturnType<typeof startTestTenant>>;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    t = await startTestTenant({ tenants: 2 });
    const { AZURE_CLIENT_SECRET: _secret, ...rest } = t.env;
    env = rest;
  });
  after(() => t.close());

  const certificateFile = async (registered: boolean) => {
    const now = new Date();
    const certificate = await generateAppCertificate({ subject: 'msp admin', lifetimeDays: 30, now });
    if (registered) {
      const app = t.sandbox.ctx.tenants.home.applications.find((a) => a.appId === t.sandbox.settings.adminClientId);
      app?.keyCredentials.push({
        keyId: randomUUID(),
        displayName: 'CN=msp admin',
        type: 'AsymmetricX509Cert',
        usage: 'Verify',
        key: certificate.publicDerBase64,
        startDateTime: certificate.notBefore.toISOString(),
        endDateTime: certificate.notAfter.toISOString(),
        customKeyIdentifier: certificate.thumbprint,
      });
    }
    const path = join(t.dir, `${registered ? 'registered' : 'stranger'}.pem`);
    await writeFile(path, combinedPem(certificate).reveal(), { mode: 0o600 });
    return path;
  };

  it('signs in with the registered certificate, and is refused with another one (AADSTS700027)', async () => {
    const customer = t.sandbox.tenants[1];
    assert.ok(customer);
    const args = ['whoami', '--auth', 'env', '--ca-file', t.sandbox.settings.caFile, '--tenant', customer.tenantId];
    const ok = await runCli(args, { env: { ...env, AZURE_CLIENT_CERTIFICATE_PATH: await certificateFile(true) }, cwd: t.dir });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`Tenant: +${customer.tenantId}`));
    const refused = await runCli(args, { env: { ...env, AZURE_CLIENT_CERTIFICATE_PATH: await certificateFile(false) }, cwd: t.dir });
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, /AADSTS700027/);
  });

  it('names admin consent when a customer tenant holds no service principal of the app (AADSTS7000229)', async () => {
    const t2 = await startTestTenant({ tenants: 2 });
    try {
      const customer = t2.sandbox.tenants[1];
      assert.ok(customer);
      const state = t2.sandbox.ctx.tenants.find(customer.tenantId);
      assert.ok(state);
      state.servicePrincipals = state.servicePrincipals.filter((sp) => sp.appId !== t2.sandbox.settings.adminClientId);
      const r = await runCli(['whoami', ...t2.common, '--tenant', customer.tenantId], { env: t2.env, cwd: t2.dir });
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /AADSTS7000229/);
      assert.match(r.stderr, /admin consent/);
    } finally {
      await t2.close();
    }
  });
});
