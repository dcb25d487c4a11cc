import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { runCli, startTestTenant } from '../helpers/cli.ts';
import { CLI_MAIN } from '../../scripts/lib/entry.ts';
import { closedPort } from '../helpers/net.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/**
 * A wrong tenant, an untrusted certificate, an endpoint nobody answers and a wrong secret used to
 * end alike (MSAL's endpoints_resolution_error, "check AZURE_CLIENT_ID/SECRET", exit 3). Each now
 * names its cause and its fix, with the exit code of its kind: 3 for sign-in, 7 for the network.
 */
describe('admin sign-in failures are told apart', () => {
  let t: Tenant;
  before(async () => {
    t = await startTestTenant();
  });
  after(() => t.close());

  it('an unknown tenant: AADSTS90002 from the OpenID metadata, exit 3, fix names --tenant', async () => {
    const r = await runCli(['status', ...t.common, '--tenant', '11111111-2222-3333-4444-555555555555'], { env: t.env, cwd: t.dir });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /Tenant '11111111-2222-3333-4444-555555555555' was not found .*AADSTS90002/);
    assert.match(r.stderr, /next: Check --tenant/);
    assert.doesNotMatch(r.stderr, /AZURE_CLIENT_SECRET/);
  });

  it('an untrusted certificate (no --ca-file, in a fresh process): exit 7, names the certificate and both fixes', async () => {
    const env = { ...t.env };
    delete env.NODE_EXTRA_CA_CERTS;
    const r = await execa(process.execPath, [CLI_MAIN, 'status', '--auth', 'env', '--verbose'], {
      env,
      extendEnv: false,
      cwd: t.dir,
      reject: false,
    });
    assert.equal(r.exitCode, 7, r.stderr);
    assert.match(
      r.stderr,
      /TLS certificate of 127\.0\.0\.1:\d+ is not trusted by this machine \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT)\)/,
    );
    assert.match(r.stderr, /--ca-file/);
    assert.match(r.stderr, /NODE_EXTRA_CA_CERTS/);
    assert.doesNotMatch(r.stderr, /endpoints_resolution_error/);
  });

  it('an endpoint nobody answers: exit 7, says nothing accepted the connection', async () => {
    const port = await closedPort();
    const r = await runCli(['status', ...t.common, '--authority-host', `https://127.0.0.1:${port}`], { env: t.env, cwd: t.dir });
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, new RegExp(`nothing accepted the connection to 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
  });

  it('a proxy nobody answers: exit 7, points at the proxy first and never prints its password', async () => {
    const port = await closedPort();
    const env = { ...t.env, HTTPS_PROXY: `http://admin:proxy-canary-pw@127.0.0.1:${port}` };
    const r = await execa(process.execPath, [CLI_MAIN, 'status', ...t.common], { env, extendEnv: false, cwd: t.dir, reject: false });
    assert.equal(r.exitCode, 7, r.stderr);
    assert.match(r.stderr, new RegExp(`the connection goes through the proxy HTTPS_PROXY=http://127\\.0\\.0\\.1:${port} unless NO_PROXY`));
    assert.match(r.stderr, /next: Check the proxy first/);
    assert.doesNotMatch(`${r.stdout}${r.stderr}`, /proxy-canary-pw/);
  });

  it('a wrong secret: exit 3, says the secret was refused and that its Value, not its ID, is needed', async () => {
    const r = await runCli(['status', ...t.common], {
      env: { ...t.env, AZURE_CLIENT_SECRET: '5d3f1e2a-0000-4000-8000-000000000000' },
      cwd: t.dir,
    });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /client secret was refused \(AADSTS7000215\)/);
    assert.match(r.stderr, /Value, not its Secret ID/);
  });

  it('--verbose shows the request trail (method, URL, status, request-id) and never a secret or a token', async () => {
    const r = await runCli(['status', ...t.common, '--verbose'], { env: t.env, cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /http: POST https:\/\/127\.0\.0\.1:\d+\/[\w-]+\/oauth2\/v2\.0\/token → 200 \(request-id [\w-]+\)/);
    assert.match(r.stderr, /http: GET https:\/\/127\.0\.0\.1:\d+\/v1\.0\/applications\S* → 200 \(request-id [\w-]+\)/);
    assert.ok(!r.stderr.includes(t.env.AZURE_CLIENT_SECRET as string), 'no secret in the trail');
    assert.doesNotMatch(r.stderr, /eyJ[\w-]+\.[\w-]+/, 'no token in the trail');
  });
});
