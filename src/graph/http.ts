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
import { describeProxy } from '../core/proxy.ts';
import { CONNECTED, KeepAliveAgent } from './keep-alive-agent.ts';

/**
 * The process's one HTTP stack (docs/performance.md#provision): the HTTP client of the Azure SDK's
 * pipeline (node:https with a keep-alive agent), given to every @azure/identity credential (its
 * `httpClient` option) and used for Graph and the authority probe, so a host costs one TLS
 * handshake for the whole run, and Node's bundled `fetch` is never loaded. Made on first use.
 */
let shared: { client: HttpClient; pipeline: Pipeline; agent: KeepAliveAgent } | undefined;

export function sharedHttpClient(ended?: AbortSignal): HttpClient {
  return {
    sendRequest: (request) => {
      if (ended) request.abortSignal = linkedTo(request.abortSignal, ended);
      return answerFromShared(request) ?? stack().client.sendRequest(request);
    },
  };
}

/**
 * `ended` (Deps.ended) joined to a credential's request: once the command has ended, the SDK's retry policy sends no
 * further attempt and its wait between attempts stops, since it reads the request's signal before each attempt and
 * while it waits (@azure/core-rest-pipeline retryPolicy). A sign-in that failed, and was reported at once from the
 * authority probe, used to keep the process alive for MSAL's retries (about 6 s).
 */
const linked = new WeakSet<object>();
function linkedTo(own: PipelineRequest['abortSignal'], ended: AbortSignal): PipelineRequest['abortSignal'] {
  if (!own) return ended;
  if (own === ended || linked.has(own) || !(own instanceof AbortSignal)) return own;
  const both = AbortSignal.any([own, ended]);
  linked.add(both);
  return both;
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

function stack(): { client: HttpClient; pipeline: Pipeline; agent: KeepAliveAgent } {
  if (!shared) {
    // HTTPS_PROXY / NO_PROXY as the Azure SDK reads them for the token requests (docs/local-safety.md#behind-a-proxy);
    // no retry policy: Graph requests are retried in src/graph/retry.ts, which knows which are safe to repeat.
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(proxyPolicy());
    pipeline.addPolicy(decompressResponsePolicy());
    const base = createDefaultHttpClient();
    // A proxy's agent, set by the proxy policy, is left in place.
    const agent = new KeepAliveAgent({ keepAlive: true });
    const client: HttpClient = {
      sendRequest: (request) => {
        request.agent ??= agent;
        const sent = base.sendRequest(request);
        noticeSent(request);
        return sent;
      },
    };
    shared = { client, pipeline, agent };
  }
  return shared;
}

/**
 * Opens up to `count` connections to `origin` for requests not made yet, so they find a connection
 * whose TLS handshake is done or under way (docs/performance.md#connections-opened-during-the-token-request):
 * once a request `after` matches has been handed to its connection, so that request never waits for
 * these handshakes, or at once without `after`. The agent counts the connections it already has for
 * the origin (src/graph/keep-alive-agent.ts). Nothing when a proxy is configured: requests then go
 * through the proxy's agent, never this one. Returns a function that cancels a preconnect still waiting.
 */
export function preconnect(origin: string, count: number, options: { after?: (method: string, url: string) => boolean } = {}): () => void {
  if (count <= 0 || proxyConfigured(process.env)) return () => undefined;
  const entry = { after: options.after ?? (() => true), open: () => stack().agent.preconnect(origin, count) };
  if (!options.after) {
    setImmediate(entry.open);
    return () => undefined;
  }
  waiting.add(entry);
  return () => waiting.delete(entry);
}

/** Preconnects waiting for their request (`preconnect`'s `after`). */
const waiting = new Set<{ after: (method: string, url: string) => boolean; open: () => void }>();

function noticeSent(request: PipelineRequest): void {
  for (const entry of waiting)
    if (entry.after(request.method, request.url)) {
      waiting.delete(entry);
      // After the request's own write, which Node makes on the next tick on a reused connection.
      setImmediate(entry.open);
    }
}

/**
 * Whether the Azure SDK's proxy policy sends through a proxy (src/core/proxy.ts `describeProxy` reads the
 * variables it reads, docs/local-safety.md#behind-a-proxy). NO_PROXY is not looked at: with any proxy
 * configured the tool opens no connection ahead of use.
 */
function proxyConfigured(env: NodeJS.ProcessEnv): boolean {
  return describeProxy(env) !== undefined;
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
