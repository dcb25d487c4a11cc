import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { createProxy } from 'proxy';
import { CLI_MAIN } from '../../scripts/lib/entry.ts';
import { startTestTenant } from '../helpers/cli.ts';

/**
 * Behind a corporate proxy (docs/local-safety.md#behind-a-proxy): HTTPS_PROXY and NO_PROXY hold
 * for every HTTPS request — token (@azure/identity), Graph (the Graph client's fetch) and Key
 * Vault. The CLI runs as a child process, as an admin runs it. The CONNECT proxy on 127.0.0.1 opens
 * its tunnels from 127.0.0.2, so the sandbox tells a request that came through it from one that
 * went around it.
 */
describe('behind a CONNECT proxy', () => {
  let t: Awaited<ReturnType<typeof startTestTenant>>;
  let proxyUrl: string;
  const tunnels: string[] = [];
  let closeProxy: () => Promise<void>;

  before(async () => {
    t = await startTestTenant();
    const server = createProxy(createServer());
    server.localAddress = '127.0.0.2';
    server.on('connect', (req) => tunnels.push(String(req.url)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    closeProxy = () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
  });
  after(async () => {
    await closeProxy();
    await t.close();
  });

  const cli = (argv: string[], env: Record<string, string>) =>
    execa(process.execPath, [CLI_MAIN, ...argv, ...t.common], { env: { ...t.env, ...env }, cwd: t.dir, reject: false, extendEnv: false });

  it('sends token, Graph and Key Vault requests through HTTPS_PROXY, none around it', async () => {
    const since = t.sandbox.ctx.log.length;
    const provision = await cli(
      ['provision', '--model', 'smtp', '--name', 'Proxied', '--mailbox', 'noreply@contoso.com', '--exchange', 'skip', '--json'],
      {
        HTTPS_PROXY: proxyUrl,
      },
    );
    assert.equal(provision.exitCode, 0, provision.stderr);
    const rotate = await cli(['rotate', '--app', 'proxied', '--key-vault', t.sandbox.settings.keyVaultUrl, '--json'], {
      HTTPS_PROXY: proxyUrl,
    });
    assert.equal(rotate.exitCode, 0, rotate.stderr);
    const seen = t.sandbox.ctx.log.slice(since);
    assert.deepEqual([...new Set(seen.map((e) => e.kind))].sort(), ['graph', 'keyvault', 'token']);
    const direct = seen.filter((e) => !String(e.remoteAddress).endsWith('127.0.0.2'));
    assert.deepEqual(
      direct.map((e) => `${e.kind} ${e.method} ${e.path} from ${e.remoteAddress}`),
      [],
      'no request went around the proxy',
    );
    assert.ok(tunnels.length > 0);
  });

  it('goes direct to a host NO_PROXY names', async () => {
    const before = tunnels.length;
    const since = t.sandbox.ctx.log.length;
    const status = await cli(['status', '--json'], { HTTPS_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' });
    assert.equal(status.exitCode, 0, status.stderr);
    assert.equal(tunnels.length, before, 'the proxy opened no tunnel');
    const seen = t.sandbox.ctx.log.slice(since);
    assert.ok(seen.length > 0);
    assert.ok(seen.every((e) => String(e.remoteAddress).endsWith('127.0.0.1')));
  });
});
