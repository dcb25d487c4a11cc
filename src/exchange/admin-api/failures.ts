import { AuthError, ExternalToolError, PermissionError } from '../../core/errors.ts';

/**
 * How the admin endpoint refuses (docs/exchange-invoke-command.md): the answer as a CmdletFailure,
 * a request with no answer, and the tool's error for each — 401 exit 3, 403 exit 4 naming the role,
 * anything else exit 6 as a failed script.
 */

/** One cmdlet: its name and its parameters as JSON (a switch is `true`). */
export interface CmdletCall {
  cmdlet: string;
  parameters: Record<string, unknown>;
}

const TRANSIENT = new Set([500, 502, 503, 504]);

/** A non-2xx answer: the reason is the text after the last `|` of `error.details[].message`. */
export class CmdletFailure extends Error {
  readonly status: number;
  readonly cmdlet: string;
  /** e.g. `Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException`. */
  readonly exceptionType?: string;
  readonly requestId?: string;
  readonly retryAfter?: string;

  constructor(init: { status: number; cmdlet: string; message: string; exceptionType?: string; requestId?: string; retryAfter?: string }) {
    super(init.message);
    this.name = 'CmdletFailure';
    this.status = init.status;
    this.cmdlet = init.cmdlet;
    this.exceptionType = init.exceptionType;
    this.requestId = init.requestId;
    this.retryAfter = init.retryAfter;
  }

  /** The object does not exist (404, ManagementObjectNotFoundException). */
  get notFound(): boolean {
    return this.status === 404 || /ManagementObjectNotFound|ObjectNotFound/i.test(this.exceptionType ?? '');
  }

  get alreadyExists(): boolean {
    return /AlreadyExists/i.test(this.exceptionType ?? '') || /already exists/i.test(this.message);
  }
}

/** A request that got no HTTP answer at all. */
export class NetworkFailure extends Error {
  readonly cmdlet: string;
  constructor(cmdlet: string, cause: unknown) {
    super(`no answer from Exchange Online (${(cause as Error)?.message ?? String(cause)})`, { cause });
    this.name = 'NetworkFailure';
    this.cmdlet = cmdlet;
  }
}

export function isAmbiguous(error: unknown): boolean {
  return error instanceof NetworkFailure || (error instanceof CmdletFailure && TRANSIENT.has(error.status));
}

export function describe(error: unknown): string {
  if (error instanceof CmdletFailure) return `${error.status} ${error.message}`;
  return (error as Error)?.message ?? String(error);
}

/** Refusals that say what is wrong: the caller's role (4), its token (3), anything else as the script's failure (6). */
export function mapFailure(error: unknown, call: CmdletCall): Error {
  if (!(error instanceof CmdletFailure)) return error as Error;
  const context = { step: 'exchange', object: call.cmdlet, requestId: error.requestId, code: error.exceptionType, cause: error };
  if (error.status === 401) {
    return new AuthError(`Exchange Online refused the admin token for ${call.cmdlet}: ${error.message}`, {
      ...context,
      suggestion: 'Sign in again; a role granted minutes ago can take up to an hour to reach Exchange Online.',
    });
  }
  if (error.status === 403) {
    return new PermissionError(`Exchange Online denied ${call.cmdlet}: ${error.message}`, {
      ...context,
      suggestion:
        'Sign in as an Exchange Administrator (or Global Administrator); an app-only admin needs Exchange.ManageAsApp and the Exchange Administrator role.',
    });
  }
  return new ExternalToolError(`Exchange Online refused ${call.cmdlet}: ${error.message}`, {
    ...context,
    suggestion: 'Fix the cause above and run again; every Exchange object is read before it is changed.',
  });
}

export function toFailure(cmdlet: string, response: Response, body: ErrorBody | undefined, requestId: string | undefined): CmdletFailure {
  const detail = body?.error?.details?.find((d) => typeof d?.message === 'string')?.message;
  const parts = typeof detail === 'string' ? detail.split('|') : [];
  const message = parts.at(-1) ?? (typeof body?.error?.message === 'string' ? body.error.message : `HTTP ${response.status}`);
  return new CmdletFailure({
    status: response.status,
    cmdlet,
    message: message.slice(0, 500),
    exceptionType: parts.length >= 3 ? parts.at(-2) : undefined,
    requestId,
    retryAfter: response.headers.get('retry-after') ?? undefined,
  });
}

export interface ErrorBody {
  value?: unknown;
  '@adminapi.warnings'?: unknown;
  '@odata.nextLink'?: unknown;
  error?: { message?: unknown; details?: { message?: unknown }[] };
}

/** The body as JSON, or undefined (an empty or non-JSON answer, e.g. the bare 403 for an unknown cmdlet). */
export async function readJson(response: Response): Promise<ErrorBody | undefined> {
  const text = await response.text().catch(() => '');
  try {
    return text === '' ? undefined : (JSON.parse(text) as ErrorBody);
  } catch {
    return undefined;
  }
}

/**
 * May the call be sent again? 429 means it did not run; a 5xx or no answer may have run it, so
 * only a read (idempotent) is repeated blindly — a write is read back by its caller instead.
 */
export function isRetryable(error: unknown, idempotent: boolean): boolean {
  if (error instanceof CmdletFailure && error.status === 429) return true;
  return idempotent && isAmbiguous(error);
}
