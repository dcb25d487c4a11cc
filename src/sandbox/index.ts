import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { systemClock, type Clock } from '../core/clock.ts';
import { UsageError } from '../core/errors.ts';
import { describeDirectoryProblem, ensurePrivateDirectory } from '../core/private-directory.ts';
import type { Secret } from '../core/secret.ts';
import { writeSecretFile } from '../core/write-secret-file.ts';
import { DEFAULT_ADMIN_GRAPH_ROLES, consentAdminApp, ensureAdminApp } from './admin-app.ts';
import type { FaultRule, RequestLogEntry, SandboxContext, SandboxKnobs } from './context.ts';
import { startSandboxProxy, type SandboxProxy } from './proxy.ts';
import { createSandboxContext } from './create-context.ts';
import { addFiller } from './filler.ts';
import { resolveKnobs } from './knobs.ts';
import { startSandboxSmtp, type SandboxSmtp } from './smtp/server.ts';
import { writePwshStandIn } from './pwsh/install.ts';
import { collectRoutes } from './routes.ts';
import { startHttpsServer } from './server.ts';
import { SANDBOX_TENANT_DOMAIN, createInitialState } from './initial-state.ts';
import type { TenantState } from './state.ts';
import { readStateFile } from './state-file.ts';
import { createSigningKey } from './token/signing-key.ts';
import { createOidcIssuer, type FederatedTokenRequest, type OidcIssuer } from './token/oidc-issuer.ts';
import { type SandboxWorkloadIdentity, startWorkloadIdentity } from './workload-identity.ts';
import { createTenantDirectory, type SandboxTenant, type TenantDirectory } from './tenants.ts';
import { createSandboxCertificates } from './tls/certificates.ts';

export interface SandboxOptions {
  host?: '127.0.0.1';
  /** HTTPS port; 0 (default) picks a free one. */
  port?: number;
  smtpPort?: number;
  /** Where ca.pem, settings.json, the pwsh stand-in etc. go; default: a fresh temp dir. */
  dir?: string;
  /** `--state FILE`: loaded if it exists, persisted atomically after each mutating request. */
  statePath?: string;
  knobs?: Partial<SandboxKnobs>;
  clock?: Clock;
  tenantId?: string;
  /**
   * How many tenants to host (default 1): tenant 0 is `tenantId`/contoso, tenants 1..N-1 are
   * `tenant-001.onmicrosoft.com` …, each with the admin app consented (src/sandbox/tenants.ts).
   */
  tenants?: number;
  /** Graph app roles of the sandbox admin app (default: DEFAULT_ADMIN_GRAPH_ROLES). */
  adminGraphRoles?: string[];
  /** Also serve Microsoft's host names through a CONNECT proxy on this port (0: any free port). */
  proxyPort?: number;
  /** Fault rules in place from the start (see traffic/fault-spec.ts for the one-line form). */
  faults?: FaultRule[];
  /** Unmanaged applications (each with its service principal) added to a new tenant (src/sandbox/filler.ts). */
  filler?: number;
  /** Test hook: the secret text addPassword mints (default: 40 random characters); see SandboxContext. */
  secretGenerator?: () => string;
  /** Test hook: the pwsh stand-in's entry file (default: the one beside this module, src/ or dist/). */
  pwshEntry?: string;
}

/** Everything a client needs to use the sandbox; `settings.json` holds all of it but the secret. */
export interface SandboxSettings {
  tenantId: string;
  tenantDomain: string;
  authorityHost: string;
  /** Graph origin without version, e.g. https://127.0.0.1:8443 (the client appends /v1.0). */
  graphEndpoint: string;
  /** 127.0.0.1:port, or '' when the SMTP server is not available. */
  smtpHost: string;
  caFile: string;
  dir: string;
  adminClientId: string;
  adminClientSecret: Secret;
  /** Origin serving the Exchange admin routes (the HTTPS server's origin). */
  exchangeEndpoint: string;
  /** Vault URL for Key Vault clients: `<origin>/keyvault`. */
  keyVaultUrl: string;
  /** The pwsh stand-in, or '' when not available. */
  pwshPath: string;
  /** `http://127.0.0.1:<port>` of the CONNECT proxy for Microsoft's host names, or '' when not started. */
  proxyUrl: string;
  /** Every tenant: id, domain, mailboxes; tenant 0 is `tenantId`. The admin app signs in to each. */
  tenants: SandboxTenant[];
  /** `--auth workload-identity` with the admin app: the federated token file and what its token says. */
  workloadIdentity: SandboxWorkloadIdentity & { stop(): void };
}

export interface Sandbox {
  settings: SandboxSettings;
  ctx: SandboxContext;
  /** Every tenant the sandbox hosts (as `settings.tenants`); tenant 0 is the home tenant. */
  tenants: SandboxTenant[];
  /** A deep copy of a tenant's state: the home tenant's, or the one with this id or domain. */
  snapshot(tenant?: string): TenantState;
  /** A place in the request log: what `mutatingRequests` counts from. */
  mark(): number;
  /**
   * POST/PATCH/PUT/DELETE Graph and Exchange requests logged after `mark` (from `mark()`; all without). A place in
   * the log, not a time: a request answered in the same millisecond as a time read after its answer would count.
   */
  mutatingRequests(mark?: number): RequestLogEntry[];
  /**
   * A token of the sandbox's OIDC issuer, to write to a federated token file: by default one the
   * admin app's federated credential accepts; another subject, audience or an expired one for tests.
   */
  issueFederatedToken(request?: FederatedTokenRequest): Promise<string>;
  close(): Promise<void>;
}

/** Starts the sandbox tenant on 127.0.0.1: one HTTPS server (token, Graph, Exchange) plus SMTP. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clock = options.clock ?? systemClock;
  const dir = resolve(options.dir ?? (await mkdtemp(join(tmpdir(), 'entra-mail-sandbox-'))));
  // The directory holds the pwsh wrapper that clients execute and an admin token: 0700, and never
  // one another user owns or can write (an attacker's wrapper would run as whoever uses the sandbox).
  const problem = await ensurePrivateDirectory(dir);
  if (problem) {
    const { message, suggestion } = describeDirectoryProblem(dir, problem);
    throw new UsageError(`--dir: ${message}.`, { flag: '--dir', suggestion });
  }
  const statePath = options.statePath ? resolve(options.statePath) : undefined;
  const loaded = statePath ? await readStateFile(statePath) : undefined;
  const state = loaded?.home ?? createInitialState({ tenantId: options.tenantId, now: clock.now() });
  const admin = ensureAdminApp(state, options.adminGraphRoles ?? DEFAULT_ADMIN_GRAPH_ROLES, clock.now());
  if (!loaded && options.filler) addFiller(state, options.filler, clock.now());
  for (const other of loaded?.others ?? []) consentAdminApp(other, admin.identity, clock.now());
  const tenants = createTenantDirectory({
    home: state,
    count: options.tenants ?? 1,
    loaded: loaded?.others ?? [],
    now: () => clock.now(),
    onCreate: (tenant) => {
      consentAdminApp(tenant, admin.identity, clock.now());
      if (options.filler) addFiller(tenant, options.filler, clock.now());
    },
  });

  const [certificates, signingKey] = await Promise.all([createSandboxCertificates(clock.now()), createSigningKey()]);
  const ctx = createSandboxContext({
    state,
    tenants,
    clock,
    knobs: resolveKnobs(options.knobs),
    signingKey,
    ...(statePath ? { statePath } : {}),
  });
  if (options.secretGenerator) ctx.secretGenerator = options.secretGenerator;
  ctx.faults.push(...(options.faults ?? []));
  const issuer = await createOidcIssuer(ctx);
  const https = await startHttpsServer(
    ctx,
    collectRoutes(ctx, signingKey, issuer),
    { key: certificates.keyPem, cert: certificates.certPem },
    options.port ?? 0,
  );
  // Nothing may keep the server open if the rest of the start fails (an unwritable --state would
  // otherwise leave the process hanging after its error).
  try {
    return await finishStart({ options, ctx, https, certificates, state, admin, dir, issuer });
  } catch (error) {
    await https.close();
    throw error;
  }
}

async function finishStart(input: {
  options: SandboxOptions;
  ctx: SandboxContext;
  https: Awaited<ReturnType<typeof startHttpsServer>>;
  certificates: Awaited<ReturnType<typeof createSandboxCertificates>>;
  state: TenantState;
  admin: ReturnType<typeof ensureAdminApp>;
  dir: string;
  issuer: OidcIssuer;
}): Promise<Sandbox> {
  const { options, ctx, https, certificates, state, admin, dir, issuer } = input;
  await ctx.persist().catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`--state: cannot write ${options.statePath ?? 'the state file'} (${error.code ?? error.message}).`, {
      flag: '--state',
    });
  });

  let smtp: SandboxSmtp | undefined;
  try {
    smtp = await startSandboxSmtp(ctx, { port: options.smtpPort ?? 0, key: certificates.keyPem, cert: certificates.certPem });
  } catch (error) {
    // The SMTP module may not be built yet; the sandbox still serves HTTPS (smtpHost stays '').
    if (!(error instanceof Error && /not built yet/.test(error.message))) {
      await https.close();
      throw error;
    }
  }

  let proxy: SandboxProxy | undefined;
  if (options.proxyPort !== undefined) {
    try {
      proxy = await startSandboxProxy(https.server, options.proxyPort);
    } catch (error) {
      await smtp?.close();
      throw error;
    }
  }

  try {
    return await writeClientFiles({ ctx, https, smtp, proxy, certificates, state, admin, dir, issuer, pwshEntry: options.pwshEntry });
  } catch (error) {
    await Promise.all([smtp?.close(), proxy?.close()]);
    throw error;
  }
}

/** ca.pem, the pwsh stand-in and settings.json: what a client of the sandbox reads. */
async function writeClientFiles(input: {
  ctx: SandboxContext;
  https: Awaited<ReturnType<typeof startHttpsServer>>;
  smtp: SandboxSmtp | undefined;
  proxy: SandboxProxy | undefined;
  certificates: Awaited<ReturnType<typeof createSandboxCertificates>>;
  state: TenantState;
  admin: ReturnType<typeof ensureAdminApp>;
  dir: string;
  issuer: OidcIssuer;
  pwshEntry: string | undefined;
}): Promise<Sandbox> {
  const { ctx, https, smtp, proxy, certificates, state, admin, dir, issuer } = input;
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, certificates.caPem, { mode: 0o644 });
  const settings: SandboxSettings = {
    tenantId: state.tenant.id,
    tenantDomain: state.tenant.domains[0] ?? SANDBOX_TENANT_DOMAIN,
    authorityHost: https.origin,
    graphEndpoint: https.origin,
    smtpHost: smtp ? `127.0.0.1:${smtp.port}` : '',
    caFile,
    dir,
    adminClientId: admin.appId,
    adminClientSecret: admin.secret,
    exchangeEndpoint: https.origin,
    keyVaultUrl: `${https.origin}/keyvault`,
    pwshPath: await writePwshStandIn(ctx, dir, input.pwshEntry),
    proxyUrl: proxy?.url ?? '',
    tenants: ctx.tenants.list(),
    workloadIdentity: await startWorkloadIdentity(ctx, issuer, admin.appId, dir),
  };
  const { adminClientSecret: _secret, ...publicSettings } = settings;
  await writeSecretFile(join(dir, 'settings.json'), `${JSON.stringify(publicSettings, null, 2)}\n`, { what: 'the sandbox settings' });

  return {
    settings,
    ctx,
    tenants: settings.tenants,
    snapshot: (tenant) => structuredClone(tenant === undefined ? ctx.tenants.home : findTenant(ctx.tenants, tenant)),
    mark: () => ctx.log.length,
    mutatingRequests: (mark = 0) =>
      ctx.log
        .slice(mark)
        .filter(
          (e) =>
            ['POST', 'PATCH', 'PUT', 'DELETE'].includes(e.method) &&
            (e.kind === 'graph' || (e.kind === 'exchange' && !/^(Get|Test)-/i.test(e.cmdlet ?? ''))),
        ),
    issueFederatedToken: (request) => issuer.issue(request),
    close: async () => {
      settings.workloadIdentity.stop();
      await Promise.all([https.close(), smtp?.close(), proxy?.close()]);
      await ctx.persist();
    },
  };
}

function findTenant(tenants: TenantDirectory, idOrDomain: string): TenantState {
  const state = tenants.find(idOrDomain);
  if (!state) throw new RangeError(`the sandbox has no tenant '${idOrDomain}'`);
  return state;
}
