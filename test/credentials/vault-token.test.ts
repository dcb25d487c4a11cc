import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { isVaultScope, validateVaultUrl } from '../../src/credentials/sinks/vault-credential.ts';
import { createSandboxCertificates } from '../../src/sandbox/tls/certificates.ts';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/**
 * Tokens go only where they belong (docs/key-vault.md): a vault's challenge must name a Key Vault
 * resource its host lies under; the admin's Graph token never goes to a vault.
 */
describe('the Key Vault sink and the challenge resource', () => {
  it('accepts only a Key Vault resource the vault lies under (the SDK guidance), and Key Vault hosts only', () => {
    assert.equal(isVaultScope('https://contoso.vault.azure.net', 'https://vault.azure.net/.default'), true);
    assert.equal(isVaultScope('https://contoso.vault.azure.cn', 'https://vault.azure.cn/.default'), true);
    assert.equal(isVaultScope('https://contoso.vault.azure.net', 'https://graph.microsoft.com/.default'), false);
    assert.equal(isVaultScope('https://contoso.vault.azure.net', 'https://vault.azure.cn/.default'), false);
    assert.equal(isVaultScope('https://127.0.0.1:8443/keyvault', 'https://vault.azure.net/.default'), true);
    assert.equal(isVaultScope('https://127.0.0.1:8443/keyvault', 'https://graph.microsoft.com/.default'), false);
    assert.equal(validateVaultUrl('https://contoso.vault.azure.net/'), 'https://contoso.vault.azure.net');
    assert.throws(() => validateVaultUrl('https://vault.azure.net.evil.example'), /not a Key Vault host/);
    assert.throws(() => validateVaultUrl('https://graph.microsoft.com'), /not a Key Vault host/);
  });

  describe('against a server that asks for a Graph token', () => {
    let t: Tenant;
    let fake: Server;
    let fakeUrl: string;
    const authorizations: string[] = [];
    let requests = 0;

    before(async () => {
      t = await startTestTenant();
      const certificates = await createSandboxCertificates(new Date());
      tls.setDefaultCACertificates([...tls.getCACertificates('default'), certificates.caPem]);
      fake = createServer({ key: certificates.keyPem, cert: certificates.certPem }, (req, res) => {
        requests++;
        if (req.headers.authorization) authorizations.push(req.headers.authorization);
        res.writeHead(401, {
          'www-authenticate': `Bearer authorization="${t.sandbox.settings.authorityHost}/${t.sandbox.settings.tenantId}", resource="https://graph.microsoft.com"`,
        });
        res.end();
      });
      await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
      fakeUrl = `https://127.0.0.1:${(fake.address() as AddressInfo).port}`;
      const r = await runCli(
        ['provision', ...t.common, '--model', 'smtp', '--name', 'Vault Case', '--mailbox', 'noreply@contoso.com', '--exchange', 'skip'],
        {
          env: t.env,
          cwd: t.dir,
        },
      );
      assert.equal(r.code, 0, r.stderr);
    });
    after(async () => {
      fake.closeAllConnections();
      await new Promise((resolve) => fake.close(resolve));
      await t.close();
    });

    it('gets no token at all: exit 3 naming the resource, and the new secret is removed again', async () => {
      const credentials = () =>
        t.sandbox
          .snapshot()
          .applications.find((a) => a.uniqueName === 'vault-case')
          ?.passwordCredentials.map((c) => c.keyId);
      const before = credentials();
      const r = await runCli(['rotate', ...t.common, '--app', 'vault-case', '--key-vault', fakeUrl], { env: t.env, cwd: t.dir });
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /asked for a token for 'https:\/\/graph\.microsoft\.com'/);
      assert.ok(requests > 0, 'the fake vault was asked');
      assert.deepEqual(authorizations, [], 'no token of any kind reached it');
      assert.deepEqual(credentials(), before);
    });

    it("the sandbox's own vault, which asks for the Key Vault resource, still works", async () => {
      const r = await runCli(['rotate', ...t.common, '--app', 'vault-case', '--key-vault', t.sandbox.settings.keyVaultUrl], {
        env: t.env,
        cwd: t.dir,
      });
      assert.equal(r.code, 0, r.stderr);
    });
  });
});
