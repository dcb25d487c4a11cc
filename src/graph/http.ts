import {
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  decompressResponsePolicy,
  type HttpClient,
  type Pipeline,
  type PipelineRequest,
  type PipelineResponse,
  proxyPolicy,
} from '@azure/core-rest-pipeline';
import { Agent } from 'node:https';
import type { Duplex } from 'node:stream';

/**
 * The process's one HTTP stack (docs/performance.md#provision): the HTTP client of the Azure SDK's
 * pipeline (node:https with a keep-alive agent), given to every @azure/identity credential (its
 * `httpClient` option) and used for Graph and the authority probe, so a host costs one TLS
 * handshake for the whole run, and Node's bundled `fetch` is never loaded. Made on first use.
 */
let shared: { client: HttpClient; pipeline: Pipeline } | undefined;

/**
 * Node's keep-alive HTTPS agent, as the pipeline's client makes for itself, plus one thing: a request
 * may ask to hear when its new connection's TLS handshake is over (`whenConnected` of `sendHttp`).
 * A proxy's agent, set by the proxy policy, is left in place.
 */
class HandshakeReportingAgent extends Agent {
  override createConnection(options: Parameters<Agent['createConnection']>[0], callback?: (err: Error | null, stream: Duplex) => void) {
    const socket = super.createConnection(options, callback);
    const report = (options as { [CONNECTED]?: () => void })[CONNECTED];
    if (report && socket) for (const event of ['secureConnect', 'error', 'close']) socket.once(event, () => setImmediate(report));
    return socket;
  }
}
const CONNECTED = Symbol('entra-mail.connected');

export function sharedHttpClient(): HttpClient {
  return { sendRequest: (request) => answerFromShared(request) ?? stack().client.sendRequest(request) };
}

/**
 * GETs whose answer is shared with the SDK: the authority probe asks for the tenant's OpenID metadata
 * document while @azure/identity is still loading; when MSAL then asks for the same document (it does
 * for an authority host it does not know, such as the sandbox's; for Microsoft's hosts it carries the
 * endpoints built in: docs/sdk-behaviour.md#azureidentity-and-msal-node), it gets the probe's answer
 * instead of a second request. Only a 200 is shared; anything else MSAL asks for itself.
 */
const sharedGets = new Map<string, Promise<PipelineResponse | undefined>>();

function answerFromShared(request: PipelineRequest): Promise<PipelineResponse> | undefined {
  const shared = request.method === 'GET' && request.body === undefined ? sharedGets.get(request.url) : undefined;
  if (!shared) return undefined;
  sharedGets.delete(request.url);
  return shared.then((answer) => (answer?.status === 200 ? { ...answer, request } : stack().client.sendRequest(request)));
}

function stack(): { client: HttpClient; pipeline: Pipeline } {
  if (!shared) {
    // HTTPS_PROXY / NO_PROXY as the Azure SDK reads them for the token requests (docs/local-safety.md#behind-a-proxy);
    // no retry policy: Graph requests are retried in src/graph/retry.ts, which knows which are safe to repeat.
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(proxyPolicy());
    pipeline.addPolicy(decompressResponsePolicy());
    const base = createDefaultHttpClient();
    const agent = new HandshakeReportingAgent({ keepAlive: true });
    const client: HttpClient = {
      sendRequest: (request) => {
        request.agent ??= agent;
        return base.sendRequest(request);
      },
    };
    shared = { client, pipeline };
  }
  return shared;
}

export interface HttpAnswer {
  status: number;
  ok: boolean;
  statusText: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/**
 * One request, answered with the parts of a fetch `Response` the callers read. A failure to get an
 * answer at all throws the pipeline's `RestError`, whose `code` is Node's (ECONNREFUSED,
 * SELF_SIGNED_CERT_IN_CHAIN, …; src/core/network-failure.ts reads it).
 */
export async function sendHttp(request: {
  url: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** A GET of a public document the SDK will ask for too: its answer is given to the SDK's one request (above). */
  shareWithSdk?: boolean;
  /** Called once the request's new connection finished its TLS handshake (or failed); not called on a reused one. */
  whenConnected?: () => void;
}): Promise<HttpAnswer> {
  const { client, pipeline } = stack();
  const sent = pipeline.sendRequest(
    client,
    createPipelineRequest({
      url: request.url,
      method: request.method,
      headers: createHttpHeaders(request.headers),
      ...(request.body !== undefined ? { body: request.body } : {}),
      ...(request.signal ? { abortSignal: request.signal } : {}),
      ...(request.timeoutMs !== undefined ? { timeout: request.timeoutMs } : {}),
      ...(request.whenConnected ? { requestOverrides: { [CONNECTED]: once(request.whenConnected) } } : {}),
    }),
  );
  if (request.shareWithSdk && request.method === 'GET')
    sharedGets.set(
      request.url,
      sent.catch(() => undefined),
    );
  const response = await sent;
  const text = response.bodyAsText ?? '';
  return {
    status: response.status,
    ok: response.status >= 200 && response.status < 300,
    statusText: '',
    headers: { get: (name) => response.headers.get(name) ?? null },
    text: async () => text,
    json: async () => JSON.parse(text) as unknown,
  };
}

function once(callback: () => void): () => void {
  let called = false;
  return () => {
    if (!called) callback();
    called = true;
  };
}
