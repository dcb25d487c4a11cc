import assert from 'node:assert/strict';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createGraphTransport } from '../../src/graph/client.ts';
import { GraphNetworkFailure } from '../../src/graph/errors.ts';
import { classifyGraphError } from '../../src/graph/retry.ts';
import { type Harness, startHarness } from '../sandbox/sandbox-harness.ts';
import { execa } from 'execa';
import { CLI_MAIN } from '../../scripts/lib/entry.ts';
import { parseFaultSpec } from '../../src/sandbox/traffic/fault-spec.ts';
import { runCli, smtpProvision, startTestTenant } from '../helpers/cli.ts';
import { closedPort } from '../helpers/net.ts';

/** A TCP relay to `target` on a port of its own, which can stop listening and cut what it carries. */
async function startRelay(target: number): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

/**
 * A refused connection before Graph ever answered is the address (a wrong --graph-endpoint, port or
 * proxy) and is reported at once; after Graph has answered, the same refusal is a blip and retried
 * (docs/diagnostics.md#graph-connection-failures).
 */
describe('a Graph endpoint that refuses the connection (docs/reliability.md#wrong-address)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const transportTo = (endpoint: string) =>
    createGraphTransport({ credential: h.admin(), graphEndpoint: endpoint, scope: 'https://graph.microsoft.com/.default' });

  async function failureOf(send: Promise<unknown>): Promise<GraphNetworkFailure> {
    const error = await send.then(
      () => assert.fail('the request was answered'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof GraphNetworkFailure, String(error));
    return error;
  }

  it('before any answer: ECONNREFUSED is not retried', async () => {
    const graph = transportTo(`https://127.0.0.1:${await closedPort()}`);
    const failure = await failureOf(graph.send({ method: 'GET', path: '/organization' }));
    assert.match(failure.message, /ECONNREFUSED/);
    assert.equal(failure.beforeFirstAnswer, true);
    assert.equal(classifyGraphError(failure).kind, 'fail');
  });

  it('after Graph answered once: the same refusal is retried as transient', async () => {
    const graphPort = Number(new URL(h.sandbox.settings.graphEndpoint).port);
    const relay = await startRelay(graphPort);
    const graph = transportTo(`https://127.0.0.1:${relay.port}`);
    const answered = await graph.send<{ value: unknown[] }>({ method: 'GET', path: '/organization' });
    assert.equal(answered.status, 200);
    await relay.stop();
    const failure = await failureOf(graph.send({ method: 'GET', path: '/organization' }));
    assert.match(failure.message, /ECONNREFUSED/);
    assert.equal(failure.beforeFirstAnswer, false);
    assert.equal(classifyGraphError(failure).kind, 'transient');
  });
});

describe('provision with a --graph-endpoint nothing listens on', () => {
  it('exits 7 at the first refusal, names the host and the fix, and retried nothing', async () => {
    const t = await startTestTenant();
    try {
      const port = await closedPort();
      const r = await runCli(smtpProvision(t.common, 'Refused', '--verbose', '--graph-endpoint', `https://127.0.0.1:${port}`), {
        env: t.env,
        cwd: t.dir,
      });
      assert.equal(r.code, 7, r.stderr);
      assert.match(r.stderr, new RegExp(`nothing accepted the connection to 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
      assert.match(r.stderr, /next: Check the address and port \(--authority-host, --graph-endpoint\)/);
      assert.doesNotMatch(r.stderr, /retry |waiting \d+ ms|Run the same command again later/);
      // Each read asked once: the trail has no request twice.
      const asked = r.stderr.split('\n').filter((line) => line.includes(`https://127.0.0.1:${port}/`));
      assert.ok(asked.length > 0, r.stderr);
      assert.equal(new Set(asked).size, asked.length, asked.join('\n'));
    } finally {
      await t.close();
    }
  });
});

/**
 * The reads of a provision go out side by side. When one fails for good (here a 403), the command ends at
 * once; a read beside it that Graph keeps answering 503 used to go on retrying, up to 8 attempts over about a
 * minute, and the process lived until it gave up. Its retries now stop when the command ends (Deps.ended).
 */
describe('a read still retrying when another read failed (docs/reliability.md#sibling-still-retrying)', () => {
  it('stops with the command: the process exits after the failure without further attempts', async () => {
    const t = await startTestTenant({
      faults: [
        parseFaultSpec("GET /servicePrincipals\\(appId='00000002-0000-0ff1-ce00-000000000000'\\) times=50 fail=503"),
        parseFaultSpec("GET /applications\\(uniqueName='lingering'\\) times=50 fail=403"),
      ],
    });
    try {
      const r = await execa(process.execPath, [CLI_MAIN, ...smtpProvision(t.common, 'Lingering')], {
        env: t.env,
        extendEnv: false,
        cwd: t.dir,
        reject: false,
      });
      assert.equal(r.exitCode, 4, r.stderr);
      assert.match(r.stderr, /GET \/applications\(uniqueName='lingering'\) answered 403/);
      const exchangeReads = t.sandbox.ctx.log.filter((e) =>
        e.path.startsWith("/v1.0/servicePrincipals(appId='00000002-0000-0ff1-ce00-000000000000')"),
      );
      // One attempt, or two on a slow machine; the process used to live until the eighth.
      assert.ok(exchangeReads.length >= 1 && exchangeReads.length <= 2, `${exchangeReads.length} attempts`);
    } finally {
      await t.close();
    }
  });
});

/**
 * A sign-in whose endpoint breaks every connection is reported at once from the authority probe
 * (docs/diagnostics.md); the SDK's own retries of the same request used to go on for about 6 s after
 * that, and the process with them. They stop when the command ends (src/graph/http.ts `sharedHttpClient`).
 */
describe('a sign-in endpoint that breaks every connection (docs/reliability.md#sibling-still-retrying)', () => {
  it('exits 7 naming it, and the SDK sends no attempt after the command ended', async () => {
    const t = await startTestTenant();
    let connections = 0;
    const breaker = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => breaker.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = breaker.address() as AddressInfo;
      const r = await execa(process.execPath, [CLI_MAIN, 'status', ...t.common, '--authority-host', `https://127.0.0.1:${port}`], {
        env: t.env,
        extendEnv: false,
        cwd: t.dir,
        reject: false,
      });
      assert.equal(r.exitCode, 7, r.stderr);
      assert.match(r.stderr, new RegExp(`Cannot reach the sign-in endpoint: the connection to 127\\.0\\.0\\.1:${port} failed`));
      // The probe, and the SDK's first attempt beside it; the SDK retries 3 times more when nothing stops it.
      assert.ok(connections <= 2, `${connections} connections`);
    } finally {
      await new Promise((resolve) => breaker.close(resolve));
      await t.close();
    }
  });
});
