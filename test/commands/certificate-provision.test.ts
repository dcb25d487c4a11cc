import assert from 'node:assert/strict';
import { createHash, createPrivateKey, randomUUID, X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { journalPath, readJournal } from '../../src/credentials/journal.ts';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

describe('provision --credential certificate against the sandbox', () => {
  let t: Tenant;
  before(async () => {
    t = await startTestTenant();
  });
  after(() => t.close());

  const cli = (argv: string[]) => runCli([...argv, ...t.common], { env: t.env, cwd: t.dir, newId: () => randomUUID().slice(0, 8) });
  const provision = (uniqueName: string, extra: string[] = []) =>
    cli([
      'provision',
      '--model',
      'graph',
      '--unique-name',
      uniqueName,
      '--mailbox',
      'noreply@contoso.com',
      '--exchange',
      'skip',
      '--credential',
      'certificate',
      '--json',
      ...extra,
    ]);
  const app = (uniqueName: string) => {
    const found = t.sandbox.ctx.state.applications.find((a) => a.uniqueName === uniqueName);
    assert.ok(found, `app ${uniqueName} exists`);
    return found;
  };

  it('uploads only the public part, writes the PEM 0600, verifies with a client assertion, and converges', async () => {
    const first = await provision('cert-one', ['--verify']);
    assert.equal(first.code, 0, first.stderr);
    const result = JSON.parse(first.stdout);
    const pemPath = join(t.dir, 'cert-one.pem');
    assert.equal(result.secret, null);
    assert.equal(result.certificate.writtenTo, pemPath);
    assert.deepEqual(result.changes.find((c: { step: string }) => c.step === 'certificate')?.action, 'create');

    // The PEM: private key + certificate, 0600; the certificate is the one on the app.
    assert.equal((await stat(pemPath)).mode & 0o777, 0o600);
    const pem = await readFile(pemPath, 'utf8');
    assert.match(pem, /^-----BEGIN PRIVATE KEY-----[\s\S]*-----BEGIN CERTIFICATE-----/);
    const certificate = new X509Certificate(pem.slice(pem.indexOf('-----BEGIN CERTIFICATE-----')));
    assert.ok(certificate.checkPrivateKey(createPrivateKey(pem)), 'the key in the file belongs to the certificate');

    // The tenant holds the public certificate only: no byte of the private key anywhere in its state.
    const keys = app('cert-one').keyCredentials;
    assert.equal(keys.length, 1);
    assert.equal(keys[0]!.keyId, result.certificate.keyId);
    assert.match(keys[0]!.displayName ?? '', /^entra-mail:/);
    const der = Buffer.from(keys[0]!.key, 'base64');
    assert.deepEqual(der, certificate.raw, 'the key credential is exactly the public certificate');
    assert.equal(createHash('sha1').update(der).digest('hex').toUpperCase(), result.certificate.thumbprint);
    // The modulus is public (it is in the certificate too); d, p and q are what must never leave.
    const jwk = createPrivateKey(pem).export({ format: 'jwk' });
    const secrets = [jwk.d, jwk.p, jwk.q].map((v) => Buffer.from(v as string, 'base64url'));
    const snapshot = t.sandbox.snapshot();
    const state = JSON.stringify(snapshot);
    const stored = snapshot.applications.flatMap((a) => a.keyCredentials.map((k) => Buffer.from(k.key, 'base64')));
    for (const part of secrets) {
      assert.ok(!stored.some((bytes) => bytes.includes(part.subarray(8, 40))), 'no private key bytes in any stored key credential');
      assert.ok(
        !state.includes(part.toString('base64url').slice(4, 60)) && !state.includes(part.toString('hex').slice(8, 80)),
        'no private key material in the sandbox state',
      );
    }
    assert.ok(!state.includes('PRIVATE KEY'));
    assert.equal(app('cert-one').passwordCredentials.length, 0, 'no client secret was minted');

    // The config names the PEM file and holds no secret; it is written 0600 like every --out.
    const config = await readFile(join(t.dir, 'cert-one.env'), 'utf8');
    assert.ok(config.includes(`AZURE_CLIENT_CERTIFICATE_PATH='${pemPath}'`), config);
    assert.ok(config.includes(result.certificate.thumbprint));
    assert.ok(!config.includes('AZURE_CLIENT_SECRET'));

    // --verify signed in with a client assertion: the app has no secret, yet got a token and sent.
    assert.equal(result.verify.ok, true, JSON.stringify(result.verify));
    assert.ok(t.sandbox.ctx.log.some((e) => e.kind === 'token' && e.caller === app('cert-one').appId && e.status === 200));

    // The journal delivered the certificate to the PEM file (crash safety as for secrets).
    const journal = await readJournal(journalPath(t.env, t.sandbox.settings.tenantId, 'cert-one'));
    const entry = journal?.credentials.find((c) => c.keyId === result.certificate.keyId);
    assert.equal(entry?.status, 'delivered');
    assert.deepEqual(
      entry?.sinks?.map((r) => [r.id, r.state]),
      [[`file:${pemPath}`, 'confirmed']],
    );

    // `verify` on its own signs in with the written PEM.
    const verify = await cli([
      'verify',
      '--client-id',
      app('cert-one').appId,
      '--model',
      'graph',
      '--mailbox',
      'noreply@contoso.com',
      '--certificate',
      pemPath,
      '--private-key',
      pemPath,
      '--no-send',
      '--tenant',
      t.sandbox.settings.tenantId,
      '--authority-host',
      t.sandbox.settings.authorityHost,
      '--graph-endpoint',
      t.sandbox.settings.graphEndpoint,
    ]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);

    // A second run keeps the certificate: no mutating request, files untouched.
    const since = t.sandbox.mark();
    const second = await provision('cert-one');
    assert.equal(second.code, 0, second.stderr);
    const again = JSON.parse(second.stdout);
    assert.ok(
      again.changes.every((c: { action: string }) => c.action === 'none'),
      second.stdout,
    );
    assert.deepEqual(t.sandbox.mutatingRequests(since), []);
    assert.equal(again.certificate.keyId, result.certificate.keyId);
    assert.equal(again.certificate.thumbprint, result.certificate.thumbprint);
    assert.equal(again.certificate.writtenTo, null);
    assert.equal(await readFile(pemPath, 'utf8'), pem);
    assert.deepEqual(
      app('cert-one').keyCredentials.map((k) => k.keyId),
      [result.certificate.keyId],
    );
  });

  it('--new-secret (and its alias --new-credential) adds another managed certificate and keeps foreign ones', async () => {
    assert.equal((await provision('cert-two')).code, 0);
    const foreign = { ...app('cert-two').keyCredentials[0]!, keyId: randomUUID(), displayName: 'uploaded by hand' };
    app('cert-two').keyCredentials.push(foreign);

    const next = await provision('cert-two', ['--new-secret', '--certificate-out', 'cert-two-b.pem']);
    assert.equal(next.code, 0, next.stderr);
    const minted = JSON.parse(next.stdout).certificate;
    assert.equal(minted.writtenTo, join(t.dir, 'cert-two-b.pem'));
    const keys = app('cert-two').keyCredentials;
    assert.equal(keys.filter((k) => (k.displayName ?? '').startsWith('entra-mail:')).length, 2);
    assert.ok(
      keys.some((k) => k.keyId === foreign.keyId && k.key === foreign.key),
      'the foreign certificate is untouched',
    );

    const alias = await provision('cert-two', ['--new-credential', '--certificate-out', 'cert-two-c.pem']);
    assert.equal(alias.code, 0, alias.stderr);
    assert.equal(app('cert-two').keyCredentials.filter((k) => (k.displayName ?? '').startsWith('entra-mail:')).length, 3);
    assert.equal(app('cert-two').keyCredentials.length, 4);
  });

  it('a profile whose product takes only a client secret: exit 2 naming --credential, nothing sent', async () => {
    const before = t.sandbox.ctx.log.length;
    const vendor = await cli(['provision', '--profile', 'aevo', '--mailbox', 'noreply@contoso.com', '--credential', 'certificate']);
    assert.equal(vendor.code, 2, vendor.stderr);
    assert.match(vendor.stderr, /--credential certificate cannot be used with profile 'aevo'/);
    const delegated = await cli([
      'provision',
      '--model',
      'delegated-smtp',
      '--mailbox',
      'noreply@contoso.com',
      '--credential',
      'certificate',
    ]);
    assert.equal(delegated.code, 2, delegated.stderr);
    assert.match(delegated.stderr, /--credential/);
    const format = await cli([
      'provision',
      '--model',
      'graph',
      '--mailbox',
      'noreply@contoso.com',
      '--credential',
      'certificate',
      '--format',
      'sendmail',
    ]);
    assert.equal(format.code, 2, format.stderr);
    assert.match(format.stderr, /--format.*--credential certificate/);
    const stray = await cli(['provision', '--model', 'graph', '--mailbox', 'noreply@contoso.com', '--certificate-out', 'x.pem']);
    assert.equal(stray.code, 2, stray.stderr);
    assert.equal(t.sandbox.ctx.log.length, before, 'no request reached the tenant');
    assert.equal(t.sandbox.ctx.state.applications.filter((a) => a.uniqueName === 'aevo-mail' || a.displayName.includes('AEVO')).length, 0);
  });
});
