import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeJwt } from 'jose';
import type { FiredFault, Route, RouteKind, SandboxContext, SandboxRequest, SandboxResponse } from './context.ts';
import { dispatch, findRoute } from './dispatch.ts';
import { tenantOfRequest } from './request-tenant.ts';
import { findPeerProcess } from './traffic/peer-process.ts';
import { readBody, toSandboxRequest } from './request.ts';
import { createThrottle, type Throttle } from './traffic/throttle.ts';

/** The one HTTPS listener that serves the token endpoint, Graph, Exchange and Key Vault routes. */
export interface SandboxHttpsServer {
  origin: string;
  port: number;
  /** The underlying server, for the CONNECT proxy to hand tunnels to. */
  server: Server;
  close(): Promise<void>;
}

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const GRAPH_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** Starts the listener on 127.0.0.1 and sets `ctx.origin`. Nothing here talks to any other host. */
export async function startHttpsServer(
  ctx: SandboxContext,
  routes: Route[],
  tls: { key: string; cert: string },
  port: number,
): Promise<SandboxHttpsServer> {
  const throttle = createThrottle(ctx);
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (message, res) => {
    ctx.inFlight += 1;
    handle(ctx, routes, throttle, message, res)
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error instanceof Error ? error.message : error));
      })
      .finally(() => {
        ctx.inFlight -= 1;
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  ctx.origin = `https://127.0.0.1:${actualPort}`;
  return {
    origin: ctx.origin,
    port: actualPort,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(
  ctx: SandboxContext,
  routes: Route[],
  throttle: Throttle,
  message: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const startedAt = ctx.clock.nowMs();
  const body = await readBody(message);
  const req = toSandboxRequest(message, body, ctx.origin);
  const found = findRoute(routes, req);
  const kind: RouteKind | 'unmatched' = found.route?.kind ?? 'unmatched';
  const caller = callerOf(req, kind);
  const tenant = tenantOfRequest(ctx.tenants, req, kind);
  const outcome = await ctx.tenants.run(tenant, () => dispatch(ctx, throttle, req, kind, caller, found, message.socket));
  const dropped = outcome === 'reset' || 'kill' in outcome;
  if (MUTATING.has(req.method) && kind !== 'token' && kind !== 'unmatched') await ctx.persist();
  // Every service call pays the network's latency, counted from its arrival: Graph, token and the
  // Exchange admin endpoint alike. The work is done at once and the answer (or the fault) waits for
  // the rest, so requests sent side by side are each answered after the latency, as by a service that
  // handles them in parallel, not one handler's time later each (docs/sandbox-fidelity.md#latency).
  if ((kind === 'graph' || kind === 'token' || kind === 'exchange') && ctx.knobs.latencyMs > 0) {
    const left = startedAt + ctx.knobs.latencyMs - ctx.clock.nowMs();
    if (left > 0) await ctx.clock.sleep(left);
  }
  ctx.log.push({
    startedAt,
    at: ctx.clock.nowMs(),
    kind,
    method: req.method,
    path: req.path,
    query: req.url.search,
    status: dropped ? 0 : outcome.status,
    requestId: req.requestId,
    ...(caller ? { caller } : {}),
    tenant: tenant.tenant.id,
    ...(message.socket.remoteAddress ? { remoteAddress: message.socket.remoteAddress } : {}),
    ...(kind === 'exchange' ? { cmdlet: cmdletOf(req) } : {}),
  });
  if (dropped) {
    if (outcome !== 'reset') await killClient(message, outcome.kill);
    message.socket.destroy();
    return;
  }
  writeResponse(res, req, kind, publicContext(ctx, req, outcome));
}

/** `@odata.context` names the origin and Graph version the client used (proxy host, /beta). */
function publicContext(ctx: SandboxContext, req: SandboxRequest, response: SandboxResponse): SandboxResponse {
  const body = response.body as Record<string, unknown> | undefined;
  const context = body && typeof body === 'object' && !Buffer.isBuffer(body) ? body['@odata.context'] : undefined;
  const prefix = `${ctx.origin}/v1.0/`;
  if (typeof context !== 'string' || !context.startsWith(prefix)) return response;
  return {
    ...response,
    body: { ...body, '@odata.context': `${req.url.origin}/${req.apiVersion ?? 'v1.0'}/${context.slice(prefix.length)}` },
  };
}

/** SIGKILLs the client before it can see any answer; never this process. */
async function killClient(message: IncomingMessage, kill: { pid?: number; fired: FiredFault }): Promise<void> {
  const target = kill.pid ?? (await findPeerProcess(message.socket));
  if (target !== undefined) kill.fired.pid = target;
  if (target === undefined || target === process.pid) return;
  try {
    process.kill(target, 'SIGKILL');
  } catch {
    // Already gone: the effect is the same.
  }
}

/** For the request log only: the bearer token's appid, or the token request's client_id. */
function callerOf(req: SandboxRequest, kind: RouteKind | 'unmatched'): string | undefined {
  if (kind === 'token') return req.form().get('client_id') ?? undefined;
  const header = req.headers.authorization;
  if (!header?.startsWith('Bearer ')) return undefined;
  try {
    const claims = decodeJwt(header.slice(7));
    const id = claims['appid'] ?? claims['azp'];
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

function writeResponse(res: ServerResponse, req: SandboxRequest, kind: RouteKind | 'unmatched', response: SandboxResponse): void {
  const headers: Record<string, string> = {
    'request-id': req.requestId,
    'client-request-id': req.clientRequestId ?? req.requestId,
    ...response.headers,
  };
  let payload: Buffer | undefined;
  if (Buffer.isBuffer(response.body)) payload = response.body;
  else if (typeof response.body === 'string') payload = Buffer.from(response.body);
  else if (response.body !== undefined) {
    payload = Buffer.from(JSON.stringify(response.body));
    headers['content-type'] ??= kind === 'graph' || kind === 'unmatched' ? GRAPH_JSON : 'application/json; charset=utf-8';
  }
  if (payload) headers['content-length'] = String(payload.length);
  res.writeHead(response.status, headers);
  res.end(payload);
}

/** The cmdlet an InvokeCommand request runs (every Exchange call is a POST; the cmdlet tells reads from writes). */
function cmdletOf(req: SandboxRequest): string {
  try {
    const name = (req.json() as { CmdletInput?: { CmdletName?: unknown } })?.CmdletInput?.CmdletName;
    return typeof name === 'string' ? name : '';
  } catch {
    return '';
  }
}
