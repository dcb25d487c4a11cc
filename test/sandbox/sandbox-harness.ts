import { rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import type { Clock } from '../../src/core/clock.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.ts';

/**
 * A sandbox for one test file plus the real SDK clients pointed at it. The CA is trusted
 * in-process (Node 24 `tls.setDefaultCACertificates`), which both MSAL's https client and
 * `fetch` honour. Every credential is a fresh instance: MSAL caches tokens and failures.
 */
export interface Harness {
  sandbox: Sandbox;
  /** A new ClientSecretCredential against the sandbox authority (tenant 0, or the tenant named). */
  credential(clientId: string, secret: string, tenant?: string): ClientSecretCredential;
  admin(): ClientSecretCredential;
  /** A Graph client (v3) with the sandbox as a custom host. */
  graph(credential: TokenCredential, scope?: string): Client;
  /** An admin Graph token, for raw `fetch` calls. */
  adminToken(): Promise<string>;
  close(): Promise<void>;
}

const trusted = new Set<string>();

export async function startHarness(options: SandboxOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox(options);
  const caPem = readFileSync(sandbox.settings.caFile, 'utf8');
  trusted.add(caPem);
  tls.setDefaultCACertificates([...tls.getCACertificates('bundled'), ...trusted]);
  const { settings } = sandbox;
  const credential = (clientId: string, secret: string, tenant = settings.tenantId) =>
    new ClientSecretCredential(tenant, clientId, secret, {
      authorityHost: settings.authorityHost,
      disableInstanceDiscovery: true,
    });
  const admin = () => credential(settings.adminClientId, settings.adminClientSecret.reveal());
  return {
    sandbox,
    credential,
    admin,
    graph: (cred, scope = 'https://graph.microsoft.com/.default') =>
      Client.initWithMiddleware({
        baseUrl: `${settings.graphEndpoint}/`,
        customHosts: new Set(['127.0.0.1']),
        authProvider: { getAccessToken: async () => (await cred.getToken(scope))?.token ?? '' },
      }),
    adminToken: async () => (await admin().getToken('https://graph.microsoft.com/.default')).token,
    close: async () => {
      await sandbox.close();
      if (!options.dir) await rm(settings.dir, { recursive: true, force: true });
    },
  };
}

/** A clock the test moves by hand (replication windows, expiry) — never a timing assertion. */
export function manualClock(start = Date.now()): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => new Date(now),
    nowMs: () => now,
    sleep: async () => undefined,
    advance: (ms) => {
      now += ms;
    },
  };
}

/** Decodes a JWT payload (test diagnostics only). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** POSTs a form to the sandbox token endpoint and returns status + JSON. */
export async function postTokenForm(
  h: Harness,
  fields: Record<string, string>,
  tenant = h.sandbox.settings.tenantId,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(
    `${h.sandbox.settings.authorityHost}/${tenant}/oauth2/v2.0/token?client-request-id=00000000-0000-4000-8000-000000000001`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: new URLSearchParams(fields),
    },
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A raw Graph call over fetch (for faults the Graph client would retry). */
export async function graphFetch(
  h: Harness,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(`${h.sandbox.settings.graphEndpoint}/v1.0${path}`, {
    method,
    headers: { authorization: `Bearer ${token ?? (await h.adminToken())}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}
