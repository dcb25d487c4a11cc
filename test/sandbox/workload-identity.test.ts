import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkloadIdentityCredential } from '@azure/identity';
import { SignJWT, createRemoteJWKSet, decodeJwt, generateKeyPair, jwtVerify } from 'jose';
import { type Harness, startHarness } from './sandbox-harness.ts';

const GRAPH = 'https://graph.microsoft.com/.default';

/**
 * Workload identity federation against the sandbox with the real @azure/identity
 * WorkloadIdentityCredential (docs/sign-in.md#workload-identity-federation): the sandbox's OIDC
 * issuer publishes its keys, its token file signs the admin app in to any tenant, and a token
 * whose issuer, subject, audience, signature or lifetime does not fit is refused with the AADSTS
 * code Microsoft documents for it. Each refusal case would pass if the sandbox stopped checking
 * that one property.
 */
describe('workload identity federation', () => {
  let h: Harness;
  let file = 0;
  before(async () => {
    h = await startHarness({ tenants: 2 });
  });
  after(() => h.close());

  const credential = (tokenFilePath: string, options: { tenant?: string; clientId?: string } = {}) =>
    new WorkloadIdentityCredential({
      tenantId: options.tenant ?? h.sandbox.settings.tenantId,
      clientId: options.clientId ?? h.sandbox.settings.adminClientId,
      tokenFilePath,
      authorityHost: h.sandbox.settings.authorityHost,
      disableInstanceDiscovery: true,
    });
  const tokenFile = async (token: string) => {
    const path = join(h.sandbox.settings.dir, `workload-${++file}.jwt`);
    await writeFile(path, token, { mode: 0o600 });
    return path;
  };

  it("publishes the issuer's configuration and keys, and the token file verifies against them", async () => {
    const { workloadIdentity } = h.sandbox.settings;
    const config = (await (await fetch(`${workloadIdentity.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    assert.equal(config.issuer, workloadIdentity.issuer);
    const token = await readFile(workloadIdentity.tokenFile, 'utf8');
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(config.jwks_uri as string)), { issuer: workloadIdentity.issuer });
    assert.equal(payload.sub, workloadIdentity.subject);
    assert.equal(payload.aud, 'api://AzureADTokenExchange');
  });

  it("signs the admin app in with the sandbox's token file, in tenant 0 and in a customer tenant", async () => {
    for (const tenant of h.sandbox.tenants) {
      const token = await credential(h.sandbox.settings.workloadIdentity.tokenFile, { tenant: tenant.tenantId }).getToken(GRAPH);
      const claims = decodeJwt(token.token);
      assert.equal(claims.tid, tenant.tenantId);
      assert.equal(claims.appid, h.sandbox.settings.adminClientId);
      assert.equal(claims.appidacr, '2');
    }
  });

  it('refuses a token for another subject (AADSTS700213)', async () => {
    const path = await tokenFile(await h.sandbox.issueFederatedToken({ subject: 'repo:someone/else:ref:refs/heads/main' }));
    await assert.rejects(credential(path).getToken(GRAPH), /AADSTS700213/);
  });

  it('refuses a token for another audience (AADSTS700212)', async () => {
    const path = await tokenFile(await h.sandbox.issueFederatedToken({ audience: 'api://AzureADMyOrg' }));
    await assert.rejects(credential(path).getToken(GRAPH), /AADSTS700212/);
  });

  it('refuses an expired token (AADSTS700024)', async () => {
    const path = await tokenFile(await h.sandbox.issueFederatedToken({ lifetimeSeconds: -3600 }));
    await assert.rejects(credential(path).getToken(GRAPH), /AADSTS700024/);
  });

  it("refuses a token with the right claims signed by another key (AADSTS700027), and another issuer's (AADSTS700211)", async () => {
    const { workloadIdentity } = h.sandbox.settings;
    const { privateKey } = await generateKeyPair('RS256');
    const forge = (issuer: string) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: 'forged' })
        .setIssuer(issuer)
        .setSubject(workloadIdentity.subject)
        .setAudience(workloadIdentity.audience)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(privateKey);
    await assert.rejects(credential(await tokenFile(await forge(workloadIdentity.issuer))).getToken(GRAPH), /AADSTS700027/);
    await assert.rejects(
      credential(await tokenFile(await forge('https://token.actions.githubusercontent.com'))).getToken(GRAPH),
      /AADSTS700211/,
    );
  });

  it('trusts a federated credential added through Graph, and refuses an app that has none (AADSTS70025)', async () => {
    const graph = h.graph(h.admin());
    const app = await graph.api('/applications').post({ displayName: 'Rotation job' });
    await graph.api('/servicePrincipals').post({ appId: app.appId });
    const subject = 'repo:contoso/mail-fleet:environment:production';
    const path = await tokenFile(await h.sandbox.issueFederatedToken({ subject }));
    await assert.rejects(credential(path, { clientId: app.appId }).getToken(GRAPH), /AADSTS70025/);

    const body = {
      name: 'github-production',
      issuer: h.sandbox.settings.workloadIdentity.issuer,
      subject,
      audiences: ['api://AzureADTokenExchange'],
    };
    const created = await graph.api(`/applications/${app.id}/federatedIdentityCredentials`).post(body);
    assert.equal(created.name, 'github-production');
    const listed = await graph.api(`/applications/${app.id}/federatedIdentityCredentials`).get();
    assert.deepEqual(
      listed.value.map((c: { subject: string }) => c.subject),
      [subject],
    );
    await assert.rejects(
      graph.api(`/applications/${app.id}/federatedIdentityCredentials`).post({ ...body, name: 'again' }),
      /Issuer and subject combination already exists/,
    );
    await assert.rejects(
      graph.api(`/applications/${app.id}/federatedIdentityCredentials`).post({ ...body, name: 'two', subject: 'x', audiences: ['a', 'b'] }),
      /exactly one audience/,
    );
    const token = await credential(path, { clientId: app.appId }).getToken(GRAPH);
    assert.equal(decodeJwt(token.token).appid, app.appId);

    await graph.api(`/applications/${app.id}/federatedIdentityCredentials/github-production`).delete();
    await assert.rejects(credential(path, { clientId: app.appId }).getToken(GRAPH), /AADSTS70025/);
  });

  it('answers AADSTS70021 while a new federated credential is still replicating, then accepts the token', async () => {
    const graph = h.graph(h.admin());
    const app = await graph.api('/applications').post({ displayName: 'Replicating job' });
    await graph.api('/servicePrincipals').post({ appId: app.appId });
    const subject = 'system:serviceaccount:mail:rotator';
    const path = await tokenFile(await h.sandbox.issueFederatedToken({ subject }));
    const { knobs } = h.sandbox.ctx;
    knobs.replicationMs = 3600_000;
    try {
      const body = { name: 'k8s', issuer: h.sandbox.settings.workloadIdentity.issuer, subject, audiences: ['api://AzureADTokenExchange'] };
      const created = await graph.api(`/applications/${app.id}/federatedIdentityCredentials`).post(body);
      await assert.rejects(credential(path, { clientId: app.appId }).getToken(GRAPH), /AADSTS70021/);
      delete h.sandbox.ctx.state.replicatedAt[created.id];
      assert.ok(await credential(path, { clientId: app.appId }).getToken(GRAPH));
    } finally {
      knobs.replicationMs = 0;
    }
  });
});
