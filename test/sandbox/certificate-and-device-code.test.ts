import 'reflect-metadata';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as x509 from '@peculiar/x509';
import { ClientCertificateCredential, DeviceCodeCredential } from '@azure/identity';
import { DIRECTORY_ROLES } from '../../src/core/well-known.ts';
import { claimsOf, graphFetch, startHarness, type Harness } from './sandbox-harness.ts';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** A self-signed client certificate: base64 DER for Graph, PEM (cert + key) for the credential. */
async function clientCertificate(): Promise<{ der: string; pem: string }> {
  const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=sandbox client',
    keys,
    signingAlgorithm: alg,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 86400_000),
  });
  const key = x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  return { der: Buffer.from(cert.rawData).toString('base64'), pem: `${cert.toString('pem')}\n${key}\n` };
}

describe('sandbox token endpoint: certificates and device code', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('accepts a client assertion signed by a registered certificate and rejects an unknown one (AADSTS700027)', async () => {
    const app = (await graphFetch(h, 'POST', '/applications', { displayName: 'cert-client' })).body;
    await graphFetch(h, 'POST', '/servicePrincipals', { appId: app.appId });
    const registered = await clientCertificate();
    const patched = await graphFetch(h, 'PATCH', `/applications/${app.id}`, {
      keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: registered.der, displayName: 'CN=sandbox client' }],
    });
    assert.equal(patched.status, 204);
    const options = { authorityHost: h.sandbox.settings.authorityHost, disableInstanceDiscovery: true };
    const ok = new ClientCertificateCredential(h.sandbox.settings.tenantId, app.appId, { certificate: registered.pem }, options);
    const claims = claimsOf((await ok.getToken('https://outlook.office365.com/.default')).token);
    assert.equal(claims['appidacr'], '2');
    assert.equal(claims['aud'], 'https://outlook.office365.com');

    const stranger = new ClientCertificateCredential(
      h.sandbox.settings.tenantId,
      app.appId,
      { certificate: (await clientCertificate()).pem },
      options,
    );
    await assert.rejects(stranger.getToken('https://outlook.office365.com/.default'), /AADSTS700027/);
  });

  it('signs in admin@<domain> through the device code flow as a Global Administrator', async () => {
    let prompted = '';
    const credential = new DeviceCodeCredential({
      tenantId: h.sandbox.settings.tenantId,
      authorityHost: h.sandbox.settings.authorityHost,
      disableInstanceDiscovery: true,
      userPromptCallback: (info) => {
        prompted = info.message;
      },
    });
    const token = (await credential.getToken('https://graph.microsoft.com/.default')).token;
    assert.match(prompted, /enter the code/);
    const claims = claimsOf(token);
    assert.equal(claims['idtyp'], 'user');
    assert.equal(claims['upn'], `admin@${h.sandbox.settings.tenantDomain}`);
    assert.deepEqual(claims['wids'], [DIRECTORY_ROLES['Global Administrator']]);
    assert.equal(typeof claims['scp'], 'string');
    const created = await graphFetch(h, 'POST', '/applications', { displayName: 'by the admin user' }, token);
    assert.equal(created.status, 201);
  });
});
