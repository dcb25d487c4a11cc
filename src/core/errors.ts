import { escapeForTerminal, escapeInline } from './terminal-text.ts';

/**
 * One error tree, one exit-code table (README.md#exit-codes).
 * Errors are translated where they are caught (src/graph/errors.ts, src/exchange/runner.ts, …);
 * only src/main.ts turns them into an exit code.
 */

export const ExitCode = {
  ok: 0,
  bug: 1,
  usage: 2,
  auth: 3,
  permission: 4,
  conflict: 5,
  externalTool: 6,
  service: 7,
  attention: 10,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Where a failure happened: every non-zero exit names the step and the object. */
export interface ErrorContext {
  /** e.g. "application", "service-principal", "consent", "secret", "exchange", "verify". */
  step?: string;
  /** e.g. "app 'contoso-mailer' (uniqueName)" or an object id. */
  object?: string;
  /** Graph's `request-id` (innerError) for service errors. */
  requestId?: string;
  /** Graph's / Entra's `client-request-id` or correlation id. */
  clientRequestId?: string;
}

export interface EntraMailErrorOptions extends ErrorContext {
  /** The next command to run, or what to change. */
  suggestion?: string;
  cause?: unknown;
  /** Stable machine-readable code (Graph's error.code, AADSTS…, 5.7.3 …). */
  code?: string;
}

export abstract class EntraMailError extends Error {
  abstract readonly exitCode: ExitCode;
  readonly step?: string;
  readonly object?: string;
  readonly requestId?: string;
  readonly clientRequestId?: string;
  readonly suggestion?: string;
  readonly code?: string;

  constructor(message: string, options: EntraMailErrorOptions = {}) {
    // Messages quote names, codes and ids from the tenant, servers and argv: escaped here, once,
    // so no control or bidi character of theirs reaches a terminal (src/core/terminal-text.ts).
    super(escapeForTerminal(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.step = inline(options.step);
    this.object = inline(options.object);
    this.requestId = inline(options.requestId);
    this.clientRequestId = inline(options.clientRequestId);
    this.suggestion = options.suggestion === undefined ? undefined : escapeForTerminal(options.suggestion);
    this.code = inline(options.code);
  }

  /** A copy that carries the step/object when the thrower did not know them. */
  withContext(context: ErrorContext): this {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.assign(copy, this, {
      step: this.step ?? inline(context.step),
      object: this.object ?? inline(context.object),
      requestId: this.requestId ?? inline(context.requestId),
      clientRequestId: this.clientRequestId ?? inline(context.clientRequestId),
    });
    copy.message = this.message;
    copy.stack = this.stack;
    return copy;
  }

  /** JSON for `--json` error output; never includes a secret (messages are built from ids only). */
  toJSON(): Record<string, unknown> {
    return {
      error: this.name,
      code: this.code,
      exitCode: this.exitCode,
      message: this.message,
      step: this.step,
      object: this.object,
      requestId: this.requestId,
      clientRequestId: this.clientRequestId,
      suggestion: this.suggestion,
    };
  }
}

/** Bad flag, value or combination: nothing was sent to any service. */
export class UsageError extends EntraMailError {
  readonly exitCode = ExitCode.usage;
  /** The flag the message is about, e.g. "--mailbox". */
  readonly flag?: string;
  constructor(message: string, options: EntraMailErrorOptions & { flag?: string } = {}) {
    super(message, options);
    this.flag = options.flag;
  }
}

export class AuthError extends EntraMailError {
  readonly exitCode = ExitCode.auth;
}

/** The signed-in identity lacks a role or permission; the message names what is needed. */
export class PermissionError extends EntraMailError {
  readonly exitCode = ExitCode.permission;
}

/** The unique name belongs to a foreign app, a tenant policy forbids secrets, … */
export class ConflictError extends EntraMailError {
  readonly exitCode = ExitCode.conflict;
}

/**
 * Local state the tool cannot trust or use, found after the tenant was contacted: a damaged or
 * newer journal, a state directory another user owns or others can write, an output file that
 * became unwritable after changes. Exit 5, like any other conflict: nothing is guessed.
 */
export class LocalStateError extends ConflictError {}

/** pwsh missing, failed, or returned nonsense. */
export class ExternalToolError extends EntraMailError {
  readonly exitCode = ExitCode.externalTool;
}

/** Graph / Exchange / SMTP kept failing past the deadline (throttling, 5xx, replication). */
export class ServiceError extends EntraMailError {
  readonly exitCode = ExitCode.service;
}

function inline(text: string | undefined): string | undefined {
  return text === undefined ? undefined : escapeInline(text);
}

export function isEntraMailError(error: unknown): error is EntraMailError {
  return error instanceof EntraMailError;
}

/** "step 'secret', object 'app …', request-id …" — appended to every non-zero exit message. */
export function describeContext(error: EntraMailError): string {
  const parts: string[] = [];
  if (error.step) parts.push(`step: ${error.step}`);
  if (error.object) parts.push(`object: ${error.object}`);
  if (error.requestId) parts.push(`request-id: ${error.requestId}`);
  if (error.clientRequestId) parts.push(`client-request-id: ${error.clientRequestId}`);
  return parts.join(', ');
}
