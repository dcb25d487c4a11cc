import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../core/clock.ts';
import type { TenantState } from './state.ts';
import type { TenantDirectory } from './tenants.ts';

/**
 * The contract between the sandbox's HTTPS server (src/sandbox/server.ts) and its route modules
 * (Graph, token endpoint, Exchange, Key Vault). A route module exports a function
 * `(ctx: SandboxContext) => Route[]`; the server dispatches to the first route whose method and
 * path match, after applying the knobs (latency, throttling, fail rate) to the request.
 */
export interface SandboxRequest {
  method: string;
  /** Full URL as the client sent it: Microsoft's origin through the proxy, else the sandbox's. */
  url: URL;
  /**
   * `url.pathname`, percent-decoded once, as routes match it: `/v1.0/myorganization/…` and
   * `/beta/…` are given as `/v1.0/…` (see public-hosts.ts).
   */
  path: string;
  /** The Graph version the client asked for, when the path names one. */
  apiVersion?: 'v1.0' | 'beta' | undefined;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Parsed JSON body; throws a Graph 400 envelope-producing error when malformed. */
  json<T = unknown>(): T;
  /** Parsed `application/x-www-form-urlencoded` body. */
  form(): URLSearchParams;
  /** The request-id the sandbox stamps on the response (Graph's innerError request-id). */
  requestId: string;
  clientRequestId: string | undefined;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string or Buffer as is; undefined → empty body. */
  body?: unknown;
}

export type RouteKind = 'graph' | 'token' | 'exchange' | 'keyvault' | 'admin';

export interface Route {
  kind: RouteKind;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Matched against `SandboxRequest.path`; capture groups are handed to `handle`. */
  path: RegExp;
  handle(req: SandboxRequest, match: RegExpMatchArray): SandboxResponse | Promise<SandboxResponse>;
}

/** Claims of an access token the sandbox issued (RS256, verified against its own key). */
export interface SandboxTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  appid?: string;
  azp?: string;
  oid: string;
  sub: string;
  roles?: string[];
  scp?: string;
  wids?: string[];
  idtyp?: 'app' | 'user';
  appidacr?: '1' | '2';
  ver: '1.0' | '2.0';
  upn?: string;
  [claim: string]: unknown;
}

export interface SandboxKnobs {
  latencyMs: number;
  /** How long new objects stay invisible to reads and references. */
  replicationMs: number;
  /** Every Nth Graph request answers 429 with Retry-After (0 = off). */
  throttleEvery: number;
  /** Retry-After value in seconds sent with throttled answers. */
  throttleRetryAfterSeconds: number;
  /**
   * Probability (0..1) that a Graph or token request fails: a read or a token request answers 503;
   * a write answers 503 before it is made or, as often, 504 after it was made (ambiguous write).
   */
  failRate: number;
  /** Page size of Graph collections when the client sends no `$top` (Graph's is 100). */
  pageSize?: number;
}

export interface RequestLogEntry {
  /** The peer's address: a test tells requests that came through a proxy (bound to another loopback address) from direct ones. */
  remoteAddress?: string;
  /** When the request arrived (epoch ms, sandbox clock). */
  startedAt?: number;
  /** When the answer was ready. */
  at: number;
  kind: RouteKind | 'unmatched';
  method: string;
  path: string;
  /** The query string as sent (`?$filter=…&$skiptoken=…`), or ''. */
  query?: string;
  status: number;
  requestId: string;
  /** The app id (appid claim) of the caller, when a bearer token was presented. */
  caller?: string;
  /** The tenant the request was served as: the token endpoint's path segment, else the bearer token's `tid`. */
  tenant?: string;
  /** Exchange requests: the cmdlet InvokeCommand ran. */
  cmdlet?: string;
}

/**
 * What a fault does to the request it fires on. `commit` runs the real handler first, so the
 * change is made and only the answer is lost (an ambiguous write).
 */
export type FaultAction =
  /** Answer this status with Graph's envelope (code/message) and headers. */
  | {
      type: 'status';
      status: number;
      code?: string;
      message?: string;
      headers?: Record<string, string>;
      details?: { code: string; message?: string; target?: string }[];
      commit?: boolean;
    }
  /** Destroy the socket without an answer (a dropped connection). */
  | { type: 'reset'; commit?: boolean }
  /**
   * SIGKILL the client, then destroy the socket: a power cut at exactly this request. `pid` names
   * the client; without it the sandbox finds the process that owns the other end of the
   * connection (Linux /proc). The sandbox never kills its own process.
   */
  | { type: 'kill'; commit?: boolean; pid?: number };

/**
 * A programmable fault at the network edge: the `nth` request (default the first) matching
 * `kind`, `method`, `path` and `body` gets `action`, and so do the `times - 1` matching requests
 * after it (default `times` 1). Every matching request counts, whether or not another rule fires.
 */
export interface FaultRule {
  kind?: RouteKind;
  method?: string;
  path: RegExp;
  /** Matched against the raw request body (form or JSON text), e.g. a token request's scope. */
  body?: RegExp;
  /** Only requests served as this tenant (its id), in a sandbox of several tenants. */
  tenant?: string;
  /**
   * Only requests sent by this process or a process it started (the pwsh stand-in of a CLI run),
   * so tests can run several clients at once. Needs Linux /proc.
   */
  client?: number;
  /** Fire at the nth matching request (1-based, default 1). */
  nth?: number;
  /** How many matching requests it applies to, from the nth on (default 1). */
  times?: number;
  action: FaultAction;
  /** Matching requests seen so far (kept by the sandbox). */
  seen?: number;
}

/** A fault that fired, for tests and `GET /_sandbox/faults`. */
export interface FiredFault {
  at: number;
  method: string;
  path: string;
  action: FaultAction['type'];
  commit: boolean;
  /** The process a `kill` fault signalled, when one was found. */
  pid?: number;
}

export interface SandboxContext {
  /**
   * The tenant of the request being handled: the token endpoint's `{tenant}` segment, or the
   * bearer token's `tid` (src/sandbox/server.ts). Outside a request, the home tenant (tenant 0).
   */
  readonly state: TenantState;
  /** Every tenant the sandbox hosts (src/sandbox/tenants.ts). */
  tenants: TenantDirectory;
  /** Pending programmable faults; tests push rules, the server consumes them. */
  faults: FaultRule[];
  /** Faults that fired, oldest first. */
  firedFaults: FiredFault[];
  /** Requests being handled right now (a test waits for 0 before it looks at the tenant). */
  inFlight: number;
  clock: Clock;
  knobs: SandboxKnobs;
  /** Origin of the HTTPS server, e.g. https://127.0.0.1:8443 */
  origin: string;
  log: RequestLogEntry[];
  /** Retries that came before the Retry-After the sandbox asked for (docs/reliability.md#throttling-honoured). */
  earlyRetries: { path: string; at: number; allowedAt: number }[];
  /** Sign an access token with the sandbox's key. */
  signToken(claims: Omit<SandboxTokenClaims, 'iss' | 'iat' | 'nbf' | 'exp' | 'ver'> & { lifetimeSeconds?: number }): Promise<string>;
  /** Verify a token the sandbox issued; undefined when invalid or expired. */
  verifyToken(token: string, audience?: string | string[]): Promise<SandboxTokenClaims | undefined>;
  /** Is the object with this id visible to reads yet (replication knob)? */
  isReplicated(objectId: string): boolean;
  /** Record a newly created object for the replication window. */
  markCreated(objectId: string): void;
  /** Persist the state when the sandbox was started with `--state FILE` (atomic write). */
  persist(): Promise<void>;
  /**
   * Test hook: when set, addPassword uses this instead of a random secret, so the reliability
   * suite can plant a known canary (docs/reliability.md#secret-canary) and grep every output for it.
   */
  secretGenerator?: () => string;
}
