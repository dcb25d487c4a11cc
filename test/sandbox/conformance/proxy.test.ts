import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * An unmodified client in its own process: @azure/identity with its default authority
 * (login.microsoftonline.com) and fetch to graph.microsoft.com, told only HTTPS_PROXY and the CA.
 * It prints what it got, one JSON line.
 */
const CLIENT = `
import { ClientSecretCredential } from '@azure/identity';
const out = {};
const credential = new ClientSecretCredential(process.env.AZURE_TENANT_ID, process.env.AZURE_CLIENT_ID, process.env.AZURE_CLIENT_SECRET);
const token = await credential.getToken('https://graph.microsoft.com/.default');
const org = await fetch('https://graph.microsoft.com/v1.0/myorganization/organization', { headers: { authorization: 'Bearer ' + token.token } });
out.organization = (await org.json()).value?.[0]?.id;
try {
  const other = await fetch('https://example.com/');
  out.other = other.status;
} catch (error) {
  out.other = 'refused: ' + (error.cause?.message ?? error.message);
}
console.log(JSON.stringify(out));
`;

/**
 * docs/sandbox-fidelity.md#microsofts-host-names: `sandbox --proxy-port` makes an unmodified
 * client reach the sandbox under login.microsoftonline.com and graph.microsoft.com, and nothing
 * else. MSAL validates the issuer against the authority it was given
 * (https://learn.microsoft.com/entra/msal/javascript/node/configuration), so this fails if the
 * discovery answer names any other origin, or if the certificate lacks Microsoft's names.
 */
describe('conformance: Microsoft’s host names through the sandbox proxy', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ proxyPort: 0 });
  });
  after(async () => {
    await sandbox.close();
    await rm(sandbox.settings.dir, { recursive: true, force: true });
  });

  it('serves an unmodified @azure/identity + fetch client, and refuses every other host', async () => {
    const { settings } = sandbox;
    const env = {
      PATH: process.env.PATH,
      HTTPS_PROXY: settings.proxyUrl,
      NODE_USE_ENV_PROXY: '1',
      NODE_EXTRA_CA_CERTS: settings.caFile,
      AZURE_TENANT_ID: settings.tenantId,
      AZURE_CLIENT_ID: settings.adminClientId,
      AZURE_CLIENT_SECRET: settings.adminClientSecret.reveal(),
    };
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', CLIENT], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
      });
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { organization?: string; other?: unknown };
    assert.equal(out.organization, settings.tenantId);
    assert.match(String(out.other), /^refused/);
    const hosts = sandbox.ctx.log.map((e) => e.path);
    assert.ok(
      hosts.some((p) => p.endsWith('/oauth2/v2.0/token')),
      'the token came from the sandbox',
    );
  });
});
