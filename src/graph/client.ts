import type { TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  ResponseType,
  TelemetryHandler,
  type AuthenticationProvider,
} from '@microsoft/microsoft-graph-client';
import { classifyNetworkFailure } from '../core/network-failure.ts';
import { GraphNetworkFailure, parseGraphFailure } from './errors.ts';

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
 * Builds the Graph SDK client with our own middleware chain: authentication and telemetry from
 * the SDK, but not its RetryHandler, which retries POSTs on 503/504 and can create duplicates
 * (docs/sdk-behaviour.md#microsoftmicrosoft-graph-client-3x). Retries live in src/graph/retry.ts, where idempotence is known.
 */
export function createGraphTransport(options: {
  credential: TokenCredential;
  graphEndpoint: string;
  scope: string;
  /** --verbose: one line per request (method, URL, status, request-id); never a body or a token. */
  trail?: (line: string) => void;
}): GraphTransport {
  const authProvider: AuthenticationProvider = {
    getAccessToken: async () => {
      const token = await options.credential.getToken(options.scope);
      if (!token) throw new Error('the admin credential returned no token');
      return token.token;
    },
  };
  const auth = new AuthenticationHandler(authProvider);
  const telemetry = new TelemetryHandler();
  const http = new HTTPMessageHandler();
  auth.setNext(telemetry);
  telemetry.setNext(http);
  const origin = new URL(options.graphEndpoint);
  const client = Client.initWithMiddleware({
    middleware: auth,
    baseUrl: `${origin.origin}/`,
    defaultVersion: 'v1.0',
    // The SDK sends the bearer token only to hosts it trusts; the hostname, without the port (docs/sdk-behaviour.md#microsoftmicrosoft-graph-client-3x).
    customHosts: new Set([origin.hostname]),
  });

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
      let response: Response;
      try {
        switch (request.method) {
          case 'GET':
            response = (await api.get()) as Response;
            break;
          case 'POST':
            response = (await api.post(request.body ?? {})) as Response;
            break;
          case 'PATCH':
            response = (await api.patch(request.body ?? {})) as Response;
            break;
          case 'DELETE':
            response = (await api.delete()) as Response;
            break;
        }
      } catch (error) {
        options.trail?.(`${request.method} ${origin.origin}/v1.0${request.path} → ${classifyNetworkFailure(error)?.code ?? 'failed'}`);
        throw new GraphNetworkFailure(request.method, pathOnly, error);
      }
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
