import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SecretClient } from '@azure/keyvault-secrets';
import { startHarness, type Harness } from '../sandbox/sandbox-harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

/** The real SDK against the sandbox vault: challenge sign-in, set, get, list versions, disable. */
function client(): SecretClient {
  return new SecretClient(h.sandbox.settings.keyVaultUrl, h.admin(), { disableChallengeResourceVerification: true });
}

test('SecretClient signs in through the 401 challenge and sets and reads a secret', async () => {
  const kv = client();
  const set = await kv.setSecret('mailer-secret', 'value-one', { contentType: 'text/plain', tags: { keyId: 'k1' } });
  assert.equal(set.value, 'value-one');
  assert.equal(set.properties.tags?.keyId, 'k1');
  const got = await kv.getSecret('mailer-secret');
  assert.equal(got.value, 'value-one');
  assert.equal(got.properties.version, set.properties.version);
  const challenges = h.sandbox.ctx.log.filter((e) => e.kind === 'keyvault' && e.status === 401);
  assert.equal(challenges.length, 1, 'one challenge, then the token is cached');
});

test('a new version becomes current; the old one stays readable by version; list shows both', async () => {
  const kv = client();
  const first = await kv.setSecret('rotating', 'old-value');
  const second = await kv.setSecret('rotating', 'new-value');
  assert.equal((await kv.getSecret('rotating')).value, 'new-value');
  assert.equal((await kv.getSecret('rotating', { version: first.properties.version })).value, 'old-value');
  const versions: string[] = [];
  for await (const p of kv.listPropertiesOfSecretVersions('rotating')) versions.push(p.version ?? '');
  assert.deepEqual(versions.sort(), [first.properties.version, second.properties.version].sort());
});

test('a disabled version refuses reads (403) and unknown names are 404', async () => {
  const kv = client();
  const v = await kv.setSecret('to-disable', 'x');
  const updated = await kv.updateSecretProperties('to-disable', v.properties.version ?? '', { enabled: false });
  assert.equal(updated.enabled, false);
  await assert.rejects(kv.getSecret('to-disable'), (e: { statusCode?: number }) => e.statusCode === 403);
  await assert.rejects(kv.getSecret('never-set'), (e: { statusCode?: number }) => e.statusCode === 404);
});

test('a token for another resource is refused with a new challenge', async () => {
  const token = await h.adminToken();
  const response = await fetch(`${h.sandbox.settings.keyVaultUrl}/secrets/x?api-version=2025-07-01`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 401);
  assert.match(response.headers.get('www-authenticate') ?? '', /resource="https:\/\/vault\.azure\.net"/);
});
