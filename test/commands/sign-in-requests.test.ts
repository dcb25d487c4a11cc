import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RequestLogEntry } from '../../src/sandbox/context.ts';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

const isMetadata = (e: RequestLogEntry) => e.path.endsWith('/v2.0/.well-known/openid-configuration');
const isToken = (e: RequestLogEntry) => e.path.endsWith('/oauth2/v2.0/token');

/**
 * The sign-in's first requests (docs/performance.md#provision): the authority probe goes out before
 * @azure/identity loads, and off Microsoft's hosts MSAL's own metadata request is answered with the
 * probe's answer. Everything that makes a run exit 2 is still checked before the probe.
 */
describe('sign-in requests', () => {
  let t: Tenant;
  before(async () => {
    t = await startTestTenant();
  });
  after(() => t.close());

  async function requestsOf(args: string[], env: NodeJS.ProcessEnv = t.env) {
    const mark = t.sandbox.ctx.log.length;
    const run = await runCli(args, { env, cwd: t.dir });
    return { run, log: t.sandbox.ctx.log.slice(mark) };
  }

  it('asks for the OpenID metadata once: the probe and MSAL share the answer, and the token request follows it', async () => {
    const { run, log } = await requestsOf(['status', ...t.common, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const metadata = log.filter(isMetadata);
    assert.equal(metadata.length, 1, log.map((e) => `${e.method} ${e.path}`).join('\n'));
    assert.equal(metadata[0]?.status, 200);
    const token = log.find(isToken);
    assert.ok(token, 'a token request');
    assert.ok(
      (token.startedAt ?? token.at) >= (metadata[0]?.at ?? Number.POSITIVE_INFINITY),
      'the token request went out after the metadata answer',
    );
  });

  for (const [name, change] of [
    ['no AZURE_CLIENT_SECRET', { AZURE_CLIENT_SECRET: undefined }],
    ['an unreadable AZURE_CLIENT_CERTIFICATE_PATH', { AZURE_CLIENT_SECRET: undefined, AZURE_CLIENT_CERTIFICATE_PATH: 'missing.pem' }],
  ] as const) {
    it(`${name}: exit 2 and no request at all`, async () => {
      const env: NodeJS.ProcessEnv = { ...t.env, ...change };
      for (const [key, value] of Object.entries(change)) if (value === undefined) delete env[key];
      const { run, log } = await requestsOf(['status', ...t.common], env);
      assert.equal(run.code, 2, run.stderr);
      assert.deepEqual(
        log.map((e) => e.path),
        [],
      );
    });
  }

  it('workload identity with an empty token file: exit 2 and no request at all', async () => {
    const tokenFile = join(t.dir, 'empty-federated-token');
    await writeFile(tokenFile, '');
    const env = { ...t.env, AZURE_FEDERATED_TOKEN_FILE: tokenFile };
    const { run, log } = await requestsOf(['status', '--auth', 'workload-identity', '--ca-file', t.sandbox.settings.caFile], env);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /AZURE_FEDERATED_TOKEN_FILE/);
    assert.deepEqual(
      log.map((e) => e.path),
      [],
    );
  });
  // Last: MSAL's own metadata request for the unknown tenant may reach the sandbox after the run ended.
  it('an unknown tenant: the probe’s 400 is not shared, and the run still ends with AADSTS90002', async () => {
    const { run, log } = await requestsOf(['status', ...t.common, '--tenant', '11111111-2222-3333-4444-555555555555']);
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /AADSTS90002/);
    assert.ok(log.filter(isMetadata).every((e) => e.status === 400));
  });
});
