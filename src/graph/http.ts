import {
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  decompressResponsePolicy,
  type HttpClient,
  type Pipeline,
  proxyPolicy,
} from '@azure/core-rest-pipeline';

/**
 * The process's one HTTP stack (docs/performance.md#provision): the HTTP client of the Azure SDK's
 * pipeline (node:https with a keep-alive agent), given to every @azure/identity credential (its
 * `httpClient` option) and used for Graph and the authority probe, so a host costs one TLS
 * handshake for the whole run, and Node's bundled `fetch` is never loaded. Made on first use.
 */
let shared: { client: HttpClient; pipeline: Pipeline } | undefined;

export function sharedHttpClient(): HttpClient {
  return stack().client;
}

function stack(): { client: HttpClient; pipeline: Pipeline } {
  if (!shared) {
    // HTTPS_PROXY / NO_PROXY as the Azure SDK reads them for the token requests (docs/local-safety.md#behind-a-proxy);
    // no retry policy: Graph requests are retried in src/graph/retry.ts, which knows which are safe to repeat.
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(proxyPolicy());
    pipeline.addPolicy(decompressResponsePolicy());
    shared = { client: createDefaultHttpClient(), pipeline };
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
}): Promise<HttpAnswer> {
  const { client, pipeline } = stack();
  const response = await pipeline.sendRequest(
    client,
    createPipelineRequest({
      url: request.url,
      method: request.method,
      headers: createHttpHeaders(request.headers),
      ...(request.body !== undefined ? { body: request.body } : {}),
      ...(request.signal ? { abortSignal: request.signal } : {}),
      ...(request.timeoutMs !== undefined ? { timeout: request.timeoutMs } : {}),
    }),
  );
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
