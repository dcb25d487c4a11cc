import type { Clock } from '../core/clock.ts';
import { isEntraMailError, ServiceError } from '../core/errors.ts';
import { classifyNetworkFailure, describeNetworkFailure } from '../core/network-failure.ts';
import { GraphFailure, GraphNetworkFailure, translateGraphFailure } from './errors.ts';
import { classifyGraphError, withRetry, type RetryDecision } from './retry.ts';
import type { GraphRequest, GraphResponse, GraphTransport } from './client.ts';

export interface CallContext {
  step: string;
  object: string;
  /** May the request be sent again blindly after a 5xx or a dropped connection? */
  idempotent: boolean;
  /** The object may legitimately be absent: a 404 is an answer, not replication lag. */
  absentIsAnswer?: boolean;
  /** Extra classification ahead of the default one (e.g. a duplicate that means success). */
  classify?: (error: unknown) => RetryDecision | undefined;
}

export interface GatewayOptions {
  clock: Clock;
  /** Per-step deadline for replication and throttling waits (default 5 min, docs/reliability.md#replication-never-completes). */
  stepDeadlineMs: number;
  random?: () => number;
  /** Aborted when the command has ended: a retry still waiting then stops (Deps.ended). */
  signal?: AbortSignal;
  /** The Graph host, for messages that name it (e.g. an untrusted certificate). */
  host?: string;
  /** The proxy requests go through (src/core/proxy.ts describeProxy), for messages about a failed connection. */
  proxy?: string;
  onRetry?: (info: { step: string; object: string; attempt: number; delayMs: number; reason: string }) => void;
  /** Counts every request sent, for --verbose and the benchmark. */
  onRequest?: (request: GraphRequest) => void;
  /** Called when an expired or rejected admin token is replaced (docs/reliability.md#token-expiry-mid-run). */
  onTokenRefresh?: (info: { step: string; object: string }) => void;
}

/**
 * Typed access to Graph with the retry policy and error translation applied in one place.
 * Resource modules (applications.ts, service-principals.ts, …) call `send`/`read`.
 */
export class GraphGateway {
  readonly #transport: GraphTransport;
  readonly #options: GatewayOptions;

  constructor(transport: GraphTransport, options: GatewayOptions) {
    this.#transport = transport;
    this.#options = options;
  }

  get clock(): Clock {
    return this.#options.clock;
  }

  /**
   * Send with retries; failures become our typed errors naming the step and object. A 401 gets
   * one token refresh and one more try (docs/reliability.md#token-expiry-mid-run): Graph checks the token before it acts, so
   * even a non-idempotent POST was not carried out when it answered 401.
   */
  async send<T>(request: GraphRequest, context: CallContext): Promise<GraphResponse<T>> {
    for (let refreshed = false; ; refreshed = true) {
      try {
        return await this.#sendWithRetry<T>(request, context);
      } catch (error) {
        const refresh = this.#transport.refreshToken;
        if (refreshed || !refresh || !(error instanceof GraphFailure && error.status === 401)) throw this.translate(error, context);
        this.#options.onTokenRefresh?.({ step: context.step, object: context.object });
        await refresh.call(this.#transport);
      }
    }
  }

  #sendWithRetry<T>(request: GraphRequest, context: CallContext): Promise<GraphResponse<T>> {
    const { clock } = this.#options;
    const deadlineAt = clock.nowMs() + this.#options.stepDeadlineMs;
    return withRetry(
      () => {
        this.#options.onRequest?.(request);
        return this.#transport.send<T>(request);
      },
      {
        clock,
        deadlineAt,
        random: this.#options.random,
        ...(this.#options.signal ? { signal: this.#options.signal } : {}),
        step: context.step,
        object: context.object,
        idempotent: context.idempotent,
        classify: (error) => {
          const special = context.classify?.(error);
          if (special) return special;
          if (context.absentIsAnswer && error instanceof GraphFailure && error.status === 404) return { kind: 'fail' };
          return classifyGraphError(error);
        },
        onRetry: (info) => this.#options.onRetry?.({ step: context.step, object: context.object, ...info }),
      },
    );
  }

  /** A GET where 404 means "not there": returns undefined instead of throwing. */
  async read<T>(path: string, context: Omit<CallContext, 'idempotent' | 'absentIsAnswer'>): Promise<T | undefined> {
    try {
      const response = await this.send<T>({ method: 'GET', path }, { ...context, idempotent: true, absentIsAnswer: true });
      return response.body;
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      if (cause instanceof GraphFailure && cause.status === 404) return undefined;
      throw error;
    }
  }

  /** Every page of a collection (`@odata.nextLink`); `onPage` sees each page as it arrives, before the next is asked for. */
  async list<T>(path: string, context: Omit<CallContext, 'idempotent'>, onPage?: (page: T[]) => void): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = path;
    while (next) {
      const response: GraphResponse<{ value: T[]; '@odata.nextLink'?: string }> = await this.send(
        { method: 'GET', path: next },
        { ...context, idempotent: true },
      );
      const page = response.body?.value ?? [];
      onPage?.(page);
      items.push(...page);
      const link = response.body?.['@odata.nextLink'];
      next = link ? relativeToVersion(link) : undefined;
    }
    return items;
  }

  translate(error: unknown, context: CallContext): unknown {
    if (error instanceof GraphFailure) return translateGraphFailure(error, context);
    if (error instanceof GraphNetworkFailure) {
      const failure = classifyNetworkFailure(error);
      if (failure) {
        const { message, suggestion } = describeNetworkFailure(failure, this.#options.host ?? 'Microsoft Graph', this.#options.proxy);
        return new ServiceError(`${context.step}: ${context.object}: ${message}.`, {
          step: context.step,
          object: context.object,
          cause: error,
          code: failure.code,
          suggestion,
        });
      }
      return new ServiceError(`${context.step}: ${context.object}: ${error.message}`, {
        step: context.step,
        object: context.object,
        cause: error,
        suggestion: 'The connection to Microsoft Graph broke; run the same command again: it finds what was done and continues.',
      });
    }
    if (isEntraMailError(error)) return error.withContext({ step: context.step, object: context.object });
    return error;
  }
}

function relativeToVersion(link: string): string {
  const url = new URL(link);
  return url.pathname.replace(/^\/v1\.0/, '') + url.search;
}
