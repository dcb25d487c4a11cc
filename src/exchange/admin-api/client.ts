import type { Clock } from '../../core/clock.ts';
import { ExternalToolError, ServiceError } from '../../core/errors.ts';
import { parseRetryAfter } from '../../core/retry-after.ts';
import {
  type CmdletCall,
  CmdletFailure,
  describe,
  isAmbiguous,
  isRetryable,
  mapFailure,
  NetworkFailure,
  readJson,
  toFailure,
} from './failures.ts';

export type { CmdletCall } from './failures.ts';

/**
 * Exchange Online's admin endpoint as the ExchangeOnlineManagement V3 module calls it: one
 * `POST {endpoint}/adminapi/beta/{tenant}/InvokeCommand` per cmdlet (docs/exchange-invoke-command.md).
 * Microsoft does not support calling it directly, so `--exchange api` is experimental; the
 * generated PowerShell stays the default.
 */

/** One cmdlet's output objects, as the endpoint's `value` array holds them. */
export type CmdletOutput = Record<string, unknown>[];

/** What a write came to: `unknown` when the answer was lost (5xx, dropped connection): read, then decide. */
export type WriteOutcome = { kind: 'done'; value: CmdletOutput; warnings: string[] } | { kind: 'unknown'; reason: string };

export interface AdminApiOptions {
  /** The admin endpoint's origin: the cloud's Exchange host, or the sandbox. */
  endpoint: string;
  tenantId: string;
  /** A bearer token for the Exchange resource (`https://outlook.office365.com/.default`). */
  getToken: () => Promise<string>;
  /** `X-AnchorMailbox`; by default taken from the token: `UPN:<admin>` delegated, the system mailbox app-only. */
  anchorMailbox?: string;
  clock: Clock;
  /** Epoch ms by which the Exchange step must be done. */
  deadlineAt: number;
  /** `--verbose`: one line per request, never a body or a token. */
  onRequest?: (line: string) => void;
  /** `--dry-run`: reads run, writes are only recorded. */
  dryRun?: boolean;
}

/**
 * The routing hint every public client of the endpoint sends (docs/exchange-invoke-command.md):
 * the signed-in admin (`UPN:`) for a delegated token, Exchange's system mailbox for an app-only one.
 * Read from the token's payload without verifying it: it only routes, it authorises nothing.
 */
export function anchorFromToken(token: string, tenantId: string): string {
  let claims: { upn?: unknown; preferred_username?: unknown; tid?: unknown } = {};
  try {
    claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    // not a JWT: fall back to the app-only anchor
  }
  const user = typeof claims.upn === 'string' ? claims.upn : typeof claims.preferred_username === 'string' ? claims.preferred_username : '';
  if (user.includes('@')) return `UPN:${user}`;
  return `APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${typeof claims.tid === 'string' ? claims.tid : tenantId}`;
}

const MAX_ATTEMPTS = 6;
/** What the module asks for (`Prefer: odata.maxpagesize=1000`); the server may send less. */
const PAGE_SIZE = 1000;
/** A bound on a runaway next-link chain: 100 pages of 1,000 objects. */
const MAX_PAGES = 100;

export class ExchangeAdminApi {
  /** Writes `--dry-run` would have sent, in order. */
  readonly plannedWrites: CmdletCall[] = [];
  private readonly options: AdminApiOptions;

  constructor(options: AdminApiOptions) {
    this.options = options;
  }

  get dryRun(): boolean {
    return this.options.dryRun === true;
  }

  /** A Get- cmdlet: retried on throttling, 5xx and lost connections; a missing object is `[]`. */
  async read(call: CmdletCall): Promise<CmdletOutput> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.send(call)).value;
      } catch (error) {
        if (error instanceof CmdletFailure && error.notFound) return [];
        await this.waitBeforeRetry(error, attempt, call, true);
      }
    }
  }

  /**
   * A New-/Add-/Set-/Remove- cmdlet. Throttling means it was not run, so it is sent again; a 5xx
   * or a lost connection may have run it, so the caller reads before deciding (never a blind retry).
   */
  async write(call: CmdletCall): Promise<WriteOutcome> {
    if (this.options.dryRun) {
      this.plannedWrites.push(call);
      return { kind: 'done', value: [], warnings: [] };
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return { kind: 'done', ...(await this.send(call)) };
      } catch (error) {
        if (isAmbiguous(error)) return { kind: 'unknown', reason: describe(error) };
        await this.waitBeforeRetry(error, attempt, call, false);
      }
    }
  }

  /** One cmdlet, every page: the next page is the same body POSTed to `@odata.nextLink`. */
  private async send(call: CmdletCall): Promise<{ value: CmdletOutput; warnings: string[] }> {
    const { endpoint, tenantId } = this.options;
    let url: string | undefined = `${endpoint.replace(/\/+$/, '')}/adminapi/beta/${encodeURIComponent(tenantId)}/InvokeCommand`;
    const value: CmdletOutput = [];
    const warnings: string[] = [];
    for (let page = 1; url !== undefined && page <= MAX_PAGES; page++) {
      const answer = await this.sendPage(url, call);
      value.push(...answer.value);
      warnings.push(...answer.warnings);
      url = answer.nextLink === undefined ? undefined : this.checkNextLink(answer.nextLink);
    }
    return { value, warnings };
  }

  /** A next link leads to the same endpoint, never elsewhere: the token goes nowhere else. */
  private checkNextLink(link: string): string {
    const next = new URL(link, this.options.endpoint);
    if (next.origin !== new URL(this.options.endpoint).origin) {
      throw new ExternalToolError(`Exchange Online answered with a next page on another host (${next.origin}); not followed.`, {
        step: 'exchange',
      });
    }
    return next.href;
  }

  private async sendPage(
    url: string,
    call: CmdletCall,
  ): Promise<{ value: CmdletOutput; warnings: string[]; nextLink: string | undefined }> {
    const { tenantId } = this.options;
    const token = await this.options.getToken();
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'x-anchormailbox': this.options.anchorMailbox ?? anchorFromToken(token, tenantId),
          'x-cmdletname': call.cmdlet,
          'x-clientapplication': 'entra-mail',
          'x-responseformat': 'json',
          prefer: `odata.maxpagesize=${PAGE_SIZE}`,
        },
        body: JSON.stringify({ CmdletInput: { CmdletName: call.cmdlet, Parameters: call.parameters } }),
        signal: AbortSignal.timeout(Math.max(1000, Math.min(120_000, this.options.deadlineAt - this.options.clock.nowMs()))),
      });
    } catch (error) {
      this.options.onRequest?.(`POST InvokeCommand ${call.cmdlet} → no answer (${(error as Error).name})`);
      throw new NetworkFailure(call.cmdlet, error);
    }
    const requestId = response.headers.get('request-id') ?? undefined;
    this.options.onRequest?.(`POST InvokeCommand ${call.cmdlet} → ${response.status}${requestId ? ` request-id ${requestId}` : ''}`);
    const body = await readJson(response);
    if (!response.ok) throw toFailure(call.cmdlet, response, body, requestId);
    const value = Array.isArray(body?.value) ? (body.value as CmdletOutput) : [];
    const warnings = Array.isArray(body?.['@adminapi.warnings']) ? (body['@adminapi.warnings'] as unknown[]).map(String) : [];
    const nextLink = typeof body?.['@odata.nextLink'] === 'string' ? body['@odata.nextLink'] : undefined;
    return { value, warnings, nextLink };
  }

  private async waitBeforeRetry(error: unknown, attempt: number, call: CmdletCall, idempotent: boolean): Promise<void> {
    if (!isRetryable(error, idempotent)) throw mapFailure(error, call);
    const now = this.options.clock.nowMs();
    const retryAfter = error instanceof CmdletFailure ? parseRetryAfter(error.retryAfter, now) : undefined;
    const delay = retryAfter ?? Math.min(16_000, 500 * 2 ** (attempt - 1));
    if (attempt >= MAX_ATTEMPTS || now + delay > this.options.deadlineAt) {
      throw new ServiceError(`Exchange Online kept refusing ${call.cmdlet} (${describe(error)}) after ${attempt} attempts.`, {
        step: 'exchange',
        object: call.cmdlet,
        requestId: error instanceof CmdletFailure ? error.requestId : undefined,
        cause: error,
        suggestion: 'Run the same command again later; every Exchange object is read before it is changed.',
      });
    }
    await this.options.clock.sleep(delay);
  }
}
