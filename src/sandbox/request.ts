import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { SandboxRequest } from './context.ts';
import { GraphRequestError } from './graph/errors.ts';

/** Reads the whole body; the sandbox's payloads are small. */
export async function readBody(message: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of message) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Builds the route-facing request. The client-request-id comes from the header (Graph client)
 * or the query string (MSAL puts it on the token URL, docs/token-endpoint.md#request).
 */
export function toSandboxRequest(message: IncomingMessage, body: Buffer, origin: string): SandboxRequest {
  const url = new URL(message.url ?? '/', origin);
  const headerId = message.headers['client-request-id'];
  const clientRequestId = (Array.isArray(headerId) ? headerId[0] : headerId) ?? url.searchParams.get('client-request-id') ?? undefined;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    path = url.pathname;
  }
  return {
    method: (message.method ?? 'GET').toUpperCase(),
    url,
    path,
    headers: message.headers,
    body,
    requestId: randomUUID(),
    clientRequestId,
    json<T = unknown>(): T {
      try {
        return JSON.parse(body.toString('utf8')) as T;
      } catch {
        throw new GraphRequestError(
          400,
          'BadRequest',
          'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
        );
      }
    },
    form(): URLSearchParams {
      return new URLSearchParams(body.toString('utf8'));
    },
  };
}
