import type { SandboxRequest, SandboxResponse } from '../context.ts';

/** The OAuth `error` values Entra pairs with AADSTS codes (docs/token-endpoint.md#response). */
export type OAuthErrorValue =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'invalid_resource'
  | 'invalid_tenant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'authorization_pending';

/** A token-endpoint failure, before the request's ids are stamped on it. */
export interface AadstsError {
  status: 400 | 401;
  error: OAuthErrorValue;
  code: number;
  /** Text after "AADSTS<code>: ". */
  description: string;
}

/** Entra's timestamp style: "2026-05-01 12:34:56Z". */
function formatTimestamp(now: Date): string {
  return now
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Entra's error JSON exactly as docs/token-endpoint.md#response shows it: the description carries the trace id,
 * correlation id (the client's client-request-id) and timestamp, and `error_codes` the number.
 */
export function renderAadstsError(req: SandboxRequest, failure: AadstsError, now: Date, origin: string): SandboxResponse {
  const timestamp = formatTimestamp(now);
  const traceId = req.requestId;
  const correlationId = req.clientRequestId ?? req.requestId;
  return {
    status: failure.status,
    headers: { 'x-ms-request-id': traceId, 'cache-control': 'no-store, no-cache' },
    body: {
      error: failure.error,
      error_description: `AADSTS${failure.code}: ${failure.description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [failure.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${origin}/error?code=${failure.code}`,
    },
  };
}

/** Thrown inside the token flow; the token route renders it. */
export class AadstsFailure extends Error {
  readonly failure: AadstsError;
  constructor(failure: AadstsError) {
    super(`AADSTS${failure.code}: ${failure.description}`);
    this.name = 'AadstsFailure';
    this.failure = failure;
  }
}

export function aadsts(status: 400 | 401, error: OAuthErrorValue, code: number, description: string): AadstsFailure {
  return new AadstsFailure({ status, error, code, description });
}
