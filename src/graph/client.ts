import { randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import { Client, type Context, type Middleware, ResponseType } from '@microsoft/microsoft-graph-client';
import { classifyNetworkFailure } from '../core/network-failure.ts';
import { GraphNetworkFailure, parseGraphFailure } from './errors.ts';
import { type HttpAnswer, sendHttp } from './http.ts';

export interface GraphRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path under the version, e.g. `/applications(uniqueName='x')`; query may be included. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface GraphResponse<T> {
  status: number;
  body: T | undefined;
  requestId?: string;
}

/** The one seam to Microsoft Graph: everything above it is typed and retried; everything below is the SDK. */
export interface GraphTransport {
  send<T>(request: GraphRequest): Promise<GraphResponse<T>>;
  /**
   * Fetch a new admin token past the credential's cache, after Graph answered 401 (the token
   * expired or was revoked mid-run; docs/reliability.md#token-expiry-mid-run). Later requests use the new token.
   */
  refreshToken?(): Promise<void>;
}

/** Any non-empty claims request bypasses MSAL's token cache; this one asks for nothing unusual. */
const REFRESH_CLAIMS = JSON.stringify({ access_token: { nbf: { essential: true } } });

/**
 * Builds the Graph SDK client with our own middleware chain (the SDK's custom middleware,
 * docs/sdk-behaviour.md#microsoftmicrosoft-graph-client-3x): the admin token for the one Graph origin,
 * then the process's shared HTTP stack (src/graph/http.ts) instead of the SDK's handlers. Not the
 * SDK's RetryHandler, which retries POSTs on 503/504 and can create duplicates: retries live in
 * src/graph/retry.ts, where idempotence is known. Not its authentication, telemetry and fetch
 * handlers either: they look up the `Request` global, which loads Node's bundled fetch
 * implementation (docs/performance.md#provision).
 */
export function createGraphTransport(options: {
  credential: TokenCredential;
  graphEndpoint: string;
  scope: string;
  /** --verbose: one line per request (method, URL, status, request-id); never a body or a token. */
  trail?: (line: string) => void;
  /** Aborted when the command has ended: a request still under way is dropped (Deps.ended). */
  signal?: AbortSignal;
}): GraphTransport {
  const origin = new URL(options.graphEndpoint);
  const client = Client.initWithMiddleware({
    middleware: chain(
      bearerFor(origin.origin, async () => {
        const token = await options.credential.getToken(options.scope);
        if (!token) throw new Error('the admin credential returned no token');
        return token.token;
      }),
      sendThroughSharedStack(options.signal),
    ),
    baseUrl: `${origin.origin}/`,
    defaultVersion: 'v1.0',
  });

  // Whether Graph has answered anything yet through this client (GraphNetworkFailure.beforeFirstAnswer).
  let answered = false;
  return {
    async refreshToken(): Promise<void> {
      // A claims challenge makes MSAL skip its cache and ask the token endpoint again; the answer
      // replaces the cached token, so the auth provider above picks it up (docs/sdk-behaviour.md#azureidentity-and-msal-node).
      const token = await options.credential.getToken(options.scope, { claims: REFRESH_CLAIMS });
      if (!token) throw new Error('the admin credential returned no token');
    },
    async send<T>(request: GraphRequest): Promise<GraphResponse<T>> {
      const pathOnly = request.path.split('?')[0] ?? request.path;
      let api = client.api(request.path).responseType(ResponseType.RAW);
      if (request.headers) api = api.headers(request.headers);
      let response: HttpAnswer | NoAnswer;
      try {
        response = (await (request.method === 'GET'
          ? api.get()
          : request.method === 'POST'
            ? api.post(request.body ?? {})
            : request.method === 'PATCH'
              ? api.patch(request.body ?? {})
              : api.delete())) as HttpAnswer | NoAnswer;
      } catch (error) {
        response = { noAnswer: error };
      }
      if ('noAnswer' in response) {
        options.trail?.(
          `${request.method} ${origin.origin}/v1.0${request.path} → ${classifyNetworkFailure(response.noAnswer)?.code ?? 'failed'}`,
        );
        throw new GraphNetworkFailure(request.method, pathOnly, response.noAnswer, { beforeFirstAnswer: !answered });
      }
      answered = true;
      const requestId = response.headers.get('request-id');
      options.trail?.(
        `${request.method} ${origin.origin}/v1.0${request.path} → ${response.status}${requestId ? ` (request-id ${requestId})` : ''}`,
      );
      if (!response.ok) throw await parseGraphFailure(response, request.method, pathOnly);
      const text = await response.text();
      return {
        status: response.status,
        body: text ? (JSON.parse(text) as T) : undefined,
        requestId: response.headers.get('request-id') ?? undefined,
      };
    },
  };
}

/** No answer at all: the connection failed; `noAnswer` is the error, with Node's code. */
interface NoAnswer {
  noAnswer: unknown;
}

function chain(first: Middleware, next: Middleware): Middleware {
  first.setNext?.(next);
  return first;
}

/**
 * The bearer token goes to the Graph origin the tool was given and nowhere else (a next link is
 * followed only on that origin, src/graph/gateway.ts); every request carries a client-request-id,
 * which Graph echoes in its answer and its errors (docs/graph-errors-and-consistency.md).
 */
function bearerFor(origin: string, getToken: () => Promise<string>): Middleware {
  let next: Middleware | undefined;
  return {
    setNext: (middleware) => {
      next = middleware;
    },
    async execute(context: Context): Promise<void> {
      const url = typeof context.request === 'string' ? context.request : context.request.url;
      const headers = (context.options?.headers ?? {}) as Record<string, string>;
      if (new URL(url).origin === origin) headers.Authorization = `Bearer ${await getToken()}`;
      else delete headers.Authorization;
      headers['client-request-id'] ??= randomUUID();
      context.options = { ...context.options, headers };
      await next?.execute(context);
    },
  };
}

/** A connection that stays silent this long is given up (what Node's fetch allowed for the headers and for the body). */
const GRAPH_TIMEOUT_MS = 300_000;

function sendThroughSharedStack(signal: AbortSignal | undefined): Middleware {
  return {
    async execute(context: Context): Promise<void> {
      const url = typeof context.request === 'string' ? context.request : context.request.url;
      const body = context.options?.body;
      // The SDK serializes an object to JSON text; a Buffer is a Uint8Array. The tool sends nothing else.
      let answer: HttpAnswer | NoAnswer;
      try {
        answer = await sendHttp({
          url,
          method: (context.options?.method ?? 'GET') as 'GET' | 'POST' | 'PATCH' | 'DELETE',
          headers: (context.options?.headers ?? {}) as Record<string, string>,
          ...(typeof body === 'string' || body instanceof Uint8Array ? { body } : {}),
          timeoutMs: GRAPH_TIMEOUT_MS,
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        // The SDK would wrap a thrown error in a GraphError without its cause (and its code); handed back as an
        // answer, it reaches send() whole.
        answer = { noAnswer: error };
      }
      // The SDK hands a RAW answer back as it is (GraphResponseHandler).
      context.response = answer as unknown as Response;
    },
  };
}
