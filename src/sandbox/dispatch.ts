import type { IncomingMessage } from 'node:http';
import type { FiredFault, Route, RouteKind, SandboxContext, SandboxRequest, SandboxResponse } from './context.ts';
import { GraphRequestError, renderGraphError } from './graph/errors.ts';
import { drawRandomFailure, renderRandomFailure } from './traffic/fail-rate.ts';
import { takeFault } from './traffic/faults.ts';
import { findPeerProcess, processLineage } from './traffic/peer-process.ts';
import type { Throttle } from './traffic/throttle.ts';

/**
 * What one request gets, before the network's latency: a fault the rules name (src/sandbox/traffic/faults.ts),
 * Graph's throttling, a random failure (--fail-rate), or the route's own answer; a 400/404/405 in Graph's
 * envelope when no route matches.
 */
export /** An answer, a dropped connection, or a killed client (and then a dropped connection). */
type Outcome = SandboxResponse | 'reset' | { kill: { pid?: number; fired: FiredFault } };

export async function dispatch(
  ctx: SandboxContext,
  throttle: Throttle,
  req: SandboxRequest,
  kind: RouteKind | 'unmatched',
  caller: string | undefined,
  found: FoundRoute,
  socket: IncomingMessage['socket'],
): Promise<Outcome> {
  const now = () => ctx.clock.now();
  const peer = ctx.faults.some((rule) => rule.client !== undefined) ? await findPeerProcess(socket) : undefined;
  const clientLineage = peer === undefined ? [] : await processLineage(peer);
  const fault = takeFault(ctx, { kind, method: req.method, path: req.path, body: req.body, clientLineage, tenant: ctx.state.tenant.id });
  const fired: FiredFault | undefined = fault && {
    at: ctx.clock.nowMs(),
    method: req.method,
    path: req.path,
    action: fault.type,
    commit: fault.commit === true,
  };
  if (fired) ctx.firedFaults.push(fired);
  if (fault && fired && !fault.commit) return faultOutcome(req, fault, fired, now());
  if (kind === 'graph') {
    const throttled = throttle.admit({ caller, method: req.method, path: req.path });
    if (throttled) return renderGraphError(req, throttled, now());
  }
  const failure = fault ? undefined : drawRandomFailure(ctx, kind, req.method);
  if (failure === 'before') return renderRandomFailure(ctx, req, kind, failure);
  const response = await runHandler(req, found, now);
  // A committing fault ran the real handler first: the ambiguous write.
  if (fault && fired) return faultOutcome(req, fault, fired, now());
  return failure === 'after' ? renderRandomFailure(ctx, req, kind, failure) : response;
}

async function runHandler(req: SandboxRequest, found: FoundRoute, now: () => Date): Promise<SandboxResponse> {
  try {
    if (found.route && found.match) return await found.route.handle(req, found.match);
    return unmatched(req, found.methodMismatch, now());
  } catch (error) {
    if (error instanceof GraphRequestError) return renderGraphError(req, error, now());
    const message = error instanceof Error ? error.message : String(error);
    return renderGraphError(req, { status: 500, code: 'InternalServerError', message }, now());
  }
}

function faultOutcome(req: SandboxRequest, action: NonNullable<ReturnType<typeof takeFault>>, fired: FiredFault, now: Date): Outcome {
  if (action.type === 'reset') return 'reset';
  if (action.type === 'kill') return { kill: action.pid === undefined ? { fired } : { pid: action.pid, fired } };
  return renderGraphError(
    req,
    {
      status: action.status,
      code: action.code ?? defaultCode(action.status),
      message: action.message ?? 'Injected fault.',
      details: action.details,
      headers: action.headers,
    },
    now,
  );
}

function defaultCode(status: number): string {
  if (status === 429) return 'TooManyRequests';
  if (status === 503 || status === 504) return 'serviceNotAvailable';
  if (status === 404) return 'Request_ResourceNotFound';
  return status >= 500 ? 'generalException' : 'Request_BadRequest';
}

function unmatched(req: SandboxRequest, methodMismatch: boolean, now: Date): SandboxResponse {
  if (methodMismatch) {
    return renderGraphError(
      req,
      { status: 405, code: 'Request_BadRequest', message: 'Specified HTTP method is not allowed for the request uri.' },
      now,
    );
  }
  const segment = req.path.split('/').filter(Boolean)[1] ?? req.path;
  return renderGraphError(
    req,
    { status: req.path.startsWith('/v1.0/') ? 400 : 404, code: 'BadRequest', message: `Resource not found for the segment '${segment}'.` },
    now,
  );
}

export interface FoundRoute {
  route?: Route;
  match?: RegExpMatchArray;
  methodMismatch: boolean;
}

export function findRoute(routes: Route[], req: SandboxRequest): FoundRoute {
  let methodMismatch = false;
  for (const route of routes) {
    const match = req.path.match(route.path);
    if (!match) continue;
    if (route.method === req.method) return { route, match, methodMismatch: false };
    methodMismatch = true;
  }
  return { methodMismatch };
}
