import type { SandboxRequest, SandboxResponse } from '../context.ts';

/** One entry of Graph's `error.details` (docs/graph-errors-and-consistency.md#error-envelope). */
export interface GraphErrorDetail {
  code: string;
  message?: string;
  target?: string;
}

/**
 * Thrown by route handlers; the server turns it into Graph's error envelope with the request's
 * ids. Route modules throw instead of returning so that deep helpers (lookups, validation) can
 * fail the request directly.
 */
export class GraphRequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: GraphErrorDetail[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { details?: GraphErrorDetail[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'GraphRequestError';
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
  }
}

/** `innerError.date` carries no timezone suffix (docs/graph-errors-and-consistency.md#error-envelope). */
function formatInnerDate(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, '');
}

/** Graph's envelope: `{ error: { code, message, details?, innerError: { date, request-id, client-request-id } } }`. */
export function renderGraphError(
  req: Pick<SandboxRequest, 'requestId' | 'clientRequestId'>,
  error: {
    status: number;
    code: string;
    message: string;
    details?: GraphErrorDetail[] | undefined;
    headers?: Record<string, string> | undefined;
  },
  now: Date,
): SandboxResponse {
  return {
    status: error.status,
    headers: error.headers ?? {},
    body: {
      error: {
        code: error.code,
        message: error.message,
        ...(error.details && error.details.length > 0 ? { details: error.details } : {}),
        innerError: {
          date: formatInnerDate(now),
          'request-id': req.requestId,
          'client-request-id': req.clientRequestId ?? req.requestId,
        },
      },
    },
  };
}

/** 404 for a missing or not-yet-replicated object (docs/graph-errors-and-consistency.md#codes-met). */
export function resourceNotFound(id: string): GraphRequestError {
  return new GraphRequestError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

export function badRequest(message: string, details?: GraphErrorDetail[]): GraphRequestError {
  return new GraphRequestError(400, 'Request_BadRequest', message, details ? { details } : {});
}

/** A reference to a missing or unreplicated principal/resource (docs/graph-errors-and-consistency.md#codes-met, docs/reliability.md#app-role-assignment). */
export function invalidReference(): GraphRequestError {
  return badRequest('Not a valid reference update.');
}

export function insufficientPrivileges(): GraphRequestError {
  return new GraphRequestError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}
