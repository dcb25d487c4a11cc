import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { createProxy } from 'proxy';
import { systemClock } from '../../src/core/clock.ts';
import { CLI_MAIN } from '../../scripts/lib/entry.ts';
import { runCli, startTestTenant } from '../helpers/cli.ts';
import { closedPort } from '../helpers/net.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/** What the sandbox's HTTPS server saw, in order: connections accepted, requests arrived, answers finished. */
type Seen = { what: 'accept' | 'request' | 'answer'; port: number; from: string; method?: string; path?: string };

/**
 * Node's built-in diagnostics channels (https://nodejs.org/api/diagnostics_channel.html#built-in-channels)
 * for one server port: a TCP connection it accepted, a request it received and an answer it finished.
 */
function watchServer(port: number): { seen: Seen[]; stop(): void } {
  const seen: Seen[] = [];
  const mine = (socket: Socket) => socket.localPort === port;
  const accept = (m: unknown) => {
    const { socket } = m as { socket: Socket };
    if (mine(socket)) seen.push({ what: 'accept', port: socket.remotePort ?? 0, from: socket.remoteAddress ?? '' });
  };
  const http = (what: 'request' | 'answer') => (m: unknown) => {
    const { socket, request } = m as { socket: Socket; request: { method: string; url: string } };
    if (mine(socket))
      seen.push({ what, port: socket.remotePort ?? 0, from: socket.remoteAddress ?? '', method: request.method, path: request.url });
  };
  const request = http('request');
  const answer = http('answer');
  subscribe('net.server.socket', accept);
  subscribe('http.server.request.start', request);
  subscribe('http.server.response.finish', answer);
  return {
    seen,
    stop() {
      unsubscribe('net.server.socket', accept);
      unsubscribe('http.server.request.start', request);
      unsubscribe('http.server.response.finish', answer);
    },
  };
}

const isToken = (e: Seen) => e.method === 'POST' && new URL(e.path ?? '/', 'https://x').pathname.endsWith('/oauth2/v2.0/token');
const isGraph = (e: Seen) => (e.path ?? '').startsWith('/v1.0/');

/**
 * The connections of the first Graph round open while the token request travels
 * (docs/performance.md#connections-opened-during-the-token-request), over real sockets against the
 * sandbox, whose login and Graph share one origin: the token request's connection serves one
 * request of the round, the others come from `preconnect` (src/graph/keep-alive-agent.ts).
 */
describe('Graph connections opened during the token request', () => {
  let t: Tenant;
  let port: number;
  before(async () => {
    // Each answer comes after a delay, as over a network: the round trip the connections are opened in.
    t = await startTestTenant({ knobs: { latencyMs: 20 } });
    port = Number(new URL(t.sandbox.settings.graphEndpoint).port);
  });
  after(() => t.close());

  it('a provision opens no connection for its first Graph round after the token answer', async () => {
    const watch = watchServer(port);
    const run = await runCli(
      [
        'provision',
        '--model',
        'smtp',
        '--name',
        'Preconnected',
        '--mailbox',
        'noreply@contoso.com',
        ...t.common,
        '--exchange',
        'skip',
        '--json',
      ],
      { env: t.env, cwd: t.dir },
    );
    watch.stop();
    assert.equal(run.code, 0, run.stderr);
    const { seen } = watch;
    const tokenAnswer = seen.findIndex((e) => e.what === 'answer' && isToken(e));
    assert.ok(tokenAnswer >= 0, 'the sandbox answered a token request');
    const firstAnswer = seen.findIndex((e) => e.what === 'answer' && isGraph(e));
    const round = seen.slice(0, firstAnswer).filter((e) => e.what === 'request' && isGraph(e));
    assert.equal(round.length, 4, 'the first round: the app, a deleted app, two resource service principals');
    assert.equal(new Set(round.map((e) => e.port)).size, 4, 'side by side, on four connections');
    const lines = seen.map((e) => `${e.what} ${e.port} ${e.method ?? ''} ${e.path?.slice(0, 60) ?? ''}`).join('\n');
    for (const request of round) {
      const accepted = seen.findIndex((e) => e.what === 'accept' && e.port === request.port);
      assert.ok(
        accepted >= 0 && accepted < tokenAnswer,
        `the connection of ${request.path} was accepted before the token answer:\n${lines}`,
      );
    }
  });

  it('a refused connection ahead of use changes nothing: the run reports what it reports without one', async () => {
    const refused = await closedPort();
    // Retries without their waits: the run ends as it would, only sooner.
    const clock = { ...systemClock, sleep: () => new Promise<void>((resolve) => setImmediate(resolve)) };
    const run = await runCli(['status', ...t.common, '--graph-endpoint', `https://127.0.0.1:${refused}`], {
      env: t.env,
      cwd: t.dir,
      clock,
    });
    assert.equal(run.code, 7, run.stderr);
    assert.equal(run.stdout, '');
    const sp = '00000003-0000-0000-c000-000000000000';
    // Graph never answered, so the refusal is the address and is reported at once (docs/diagnostics.md#graph-connection-failures).
    assert.equal(
      run.stderr,
      `entra-mail: read: service principal of app ${sp}: nothing accepted the connection to 127.0.0.1:${refused} (ECONNREFUSED).\n` +
        `  (step: read, object: service principal of app ${sp})\n` +
        '  next: Check the address and port (--authority-host, --graph-endpoint); for the sandbox, check that `entra-mail sandbox` is still running.\n',
    );
  });

  it('connections nobody uses do not keep the process alive', async () => {
    // A Graph origin that accepts connections and never answers nor closes them: only the end of the
    // CLI's process closes them. A wrong secret ends the run after the token request, so none is used.
    // A connection that kept the process alive would keep it alive for ever: the child is killed after
    // a minute so that the test fails instead of hanging (the run itself takes about a second).
    const held: Socket[] = [];
    const graph = createServer((socket) => held.push(socket.on('error', () => undefined)));
    await new Promise<void>((resolve) => graph.listen(0, '127.0.0.1', resolve));
    try {
      const env = { ...t.env, AZURE_CLIENT_SECRET: '5d3f1e2a-0000-4000-8000-000000000000' };
      const graphEndpoint = `https://127.0.0.1:${(graph.address() as AddressInfo).port}`;
      const run = await execa(process.execPath, [CLI_MAIN, 'status', ...t.common, '--graph-endpoint', graphEndpoint], {
        env,
        extendEnv: false,
        cwd: t.dir,
        reject: false,
        timeout: 60_000,
      });
      assert.equal(run.timedOut, false, 'the CLI ended by itself');
      assert.equal(run.exitCode, 3, run.stderr);
      assert.match(run.stderr, /client secret was refused \(AADSTS7000215\)/);
      assert.ok(held.length > 0, 'connections to the Graph origin were opened ahead of use');
    } finally {
      for (const socket of held) socket.destroy();
      graph.close();
    }
  });

  it('behind a proxy nothing is opened ahead of use: every connection the sandbox sees comes through the proxy', async () => {
    const proxy = createProxy(createHttpServer());
    // The proxy opens its tunnels from 127.0.0.2: a connection from 127.0.0.1 went around it.
    proxy.localAddress = '127.0.0.2';
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const watch = watchServer(port);
    try {
      const run = await execa(process.execPath, [CLI_MAIN, 'status', ...t.common, '--json'], {
        env: { ...t.env, HTTPS_PROXY: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` },
        extendEnv: false,
        cwd: t.dir,
        reject: false,
      });
      assert.equal(run.exitCode, 0, run.stderr);
      const accepted = watch.seen.filter((e) => e.what === 'accept');
      assert.ok(accepted.length > 0);
      assert.deepEqual(
        accepted.filter((e) => !e.from.endsWith('127.0.0.2')).map((e) => `from ${e.from}:${e.port}`),
        [],
      );
    } finally {
      watch.stop();
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
