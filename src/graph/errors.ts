import {
  AuthError,
  ConflictError,
  type EntraMailError,
  type ErrorContext,
  PermissionError,
  ServiceError,
  UsageError,
} from '../core/errors.ts';
import { replaceControlCharacters } from '../core/validate.ts';

/**
 * A non-2xx answer from Graph, parsed defensively (docs/graph-errors-and-consistency.md#error-envelope: `message` is sometimes an
 * object, `details` sometimes not an array). Never carries the request or response body.
 */
export class GraphFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly detailCodes: string[];
  readonly requestId?: string;
  readonly clientRequestId?: string;
  readonly retryAfter?: string;
  readonly method: string;
  readonly path: string;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    detailCodes: string[];
    requestId?: string;
    clientRequestId?: string;
    retryAfter?: string;
    method: string;
    path: string;
  }) {
    super(init.message);
    this.name = 'GraphFailure';
    this.status = init.status;
    this.code = init.code;
    this.detailCodes = init.detailCodes;
    this.requestId = init.requestId;
    this.clientRequestId = init.clientRequestId;
    this.retryAfter = init.retryAfter;
    this.method = init.method;
    this.path = init.path;
  }

  hasCode(code: string): boolean {
    return this.code === code || this.detailCodes.includes(code);
  }
}

/** The connection broke before an answer arrived (ECONNRESET, socket hang up, timeout). */
export class GraphNetworkFailure extends Error {
  readonly method: string;
  readonly path: string;
  /** Graph had not answered any request of this client yet (one per run, one per tenant in fleet mode): a refusal then is the address, not a blip (src/graph/retry.ts). */
  readonly beforeFirstAnswer: boolean;
  constructor(method: string, path: string, cause: unknown, options: { beforeFirstAnswer?: boolean } = {}) {
    super(`${method} ${path}: connection failed (${describeCause(cause)})`, { cause });
    this.name = 'GraphNetworkFailure';
    this.method = method;
    this.path = path;
    this.beforeFirstAnswer = options.beforeFirstAnswer ?? false;
  }
}

function describeCause(cause: unknown): string {
  const err = cause as { code?: string; cause?: { code?: string }; message?: string } | undefined;
  return err?.cause?.code ?? err?.code ?? err?.message ?? 'unknown error';
}

/** What a failure is read from: an HTTP answer's status, headers and body (src/graph/http.ts). */
export interface FailedAnswer {
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
}

export async function parseGraphFailure(response: FailedAnswer, method: string, path: string): Promise<GraphFailure> {
  let code = `HTTP${response.status}`;
  let message = response.statusText || `HTTP ${response.status}`;
  const detailCodes: string[] = [];
  let requestId = response.headers.get('request-id') ?? undefined;
  let clientRequestId = response.headers.get('client-request-id') ?? undefined;
  try {
    const body = (await response.json()) as { error?: Record<string, unknown> };
    const error = body?.error;
    if (error && typeof error === 'object') {
      if (typeof error.code === 'string') code = error.code;
      if (typeof error.message === 'string') message = error.message;
      else if (error.message && typeof error.message === 'object')
        message = String((error.message as { value?: unknown }).value ?? message);
      const details = Array.isArray(error.details) ? error.details : error.details ? [error.details] : [];
      for (const d of details) if (d && typeof (d as { code?: unknown }).code === 'string') detailCodes.push((d as { code: string }).code);
      const inner = (error.innerError ?? error.innererror) as Record<string, unknown> | undefined;
      if (inner && typeof inner['request-id'] === 'string') requestId = inner['request-id'];
      if (inner && typeof inner['client-request-id'] === 'string') clientRequestId = inner['client-request-id'];
    }
  } catch {
    // Not JSON: keep the status line.
  }
  return new GraphFailure({
    status: response.status,
    code,
    message: sanitizeMessage(message),
    detailCodes,
    requestId,
    clientRequestId,
    retryAfter: response.headers.get('retry-after') ?? undefined,
    method,
    path,
  });
}

/** Graph messages quote ids and names, never secrets; still, cap their length and strip control characters. */
function sanitizeMessage(message: string): string {
  return replaceControlCharacters(message, ' ').slice(0, 500);
}

/** Directory writes need these; named in every 403 (docs/reliability.md#missing-privilege). */
const ROLE_HINTS: Record<string, string> = {
  application: 'Application.ReadWrite.All (app) or the Application Administrator / Cloud Application Administrator role',
  'service-principal': 'Application.ReadWrite.All (app) or the Application Administrator / Cloud Application Administrator role',
  consent:
    'AppRoleAssignment.ReadWrite.All + Application.Read.All (app), or Global Administrator / Privileged Role Administrator to consent to Graph application permissions',
  'delegated-consent': 'DelegatedPermissionGrant.ReadWrite.All (app), or Global Administrator / Privileged Role Administrator',
  secret: 'Application.ReadWrite.All (app) or the Application Administrator role',
  read: 'Application.Read.All (app) or the Application Administrator / Cloud Application Administrator role',
};

/** Graph failure → our error tree (translate where caught, by code, never by English text). */
export function translateGraphFailure(failure: GraphFailure, context: ErrorContext): EntraMailError {
  const ids = { ...context, requestId: failure.requestId, clientRequestId: failure.clientRequestId, code: failure.code, cause: failure };
  const what = `${failure.method} ${failure.path} answered ${failure.status} ${failure.code}: ${failure.message}`;
  if (failure.status === 401) {
    return new AuthError(`${what}`, { ...ids, suggestion: 'Sign in again (the admin token was rejected or expired).' });
  }
  if (failure.status === 403) {
    // Reading the organization needs a permission of its own (docs/permissions.md).
    const needed = context.object?.startsWith('organization')
      ? 'Organization.Read.All or Directory.Read.All (app), or any signed-in user'
      : (ROLE_HINTS[context.step ?? 'read'] ?? ROLE_HINTS.read);
    return new PermissionError(`${what}. The signed-in identity lacks a permission this step needs: ${needed}.`, {
      ...ids,
      suggestion: `Sign in with an identity that has ${needed}, or ask an administrator to run this step.`,
    });
  }
  if (failure.hasCode('CredentialTypeNotAllowedAsPerAppPolicy')) {
    return new ConflictError(`${what}. A tenant app-management policy forbids client secrets on this app.`, {
      ...ids,
      suggestion: 'Use --credential certificate (or a federated credential) instead of a client secret.',
    });
  }
  if (failure.hasCode('CredentialInvalidLifetimeAsPerAppPolicy')) {
    return new ConflictError(`${what}. A tenant app-management policy caps the secret lifetime.`, {
      ...ids,
      suggestion: 'Retry with a shorter --secret-lifetime (the message above names the policy), or use --credential certificate.',
    });
  }
  if (failure.status === 409 || failure.hasCode('Request_MultipleObjectsWithSameKeyValue')) {
    return new ConflictError(what, ids);
  }
  if (failure.status === 400 && failure.hasCode('ObjectConflict')) {
    // A unique property (e.g. uniqueName) is taken, possibly by an app in deleted items, which
    // keeps it for 30 days (docs/graph-applications.md "Delete, restore, purge").
    return new ConflictError(`${what}. Another object, live or deleted in the last 30 days, already has that value.`, {
      ...ids,
      suggestion:
        'If the app was deleted recently, run provision again with --restore-deleted, or delete it for good with entra-mail deprovision --purge.',
    });
  }
  if (failure.status === 400) {
    return new UsageError(`${what}`, { ...ids, suggestion: 'Graph refused the request as invalid; check the values given.' });
  }
  return new ServiceError(what, { ...ids, suggestion: 'Microsoft Graph kept failing; retry later.' });
}
