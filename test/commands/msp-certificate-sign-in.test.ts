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
 * accepts it only when that certificate is a keyCredential of the app in its home tenant.
 */
describe('--auth env with a certificate, in a customer tenant', () => {
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
});
