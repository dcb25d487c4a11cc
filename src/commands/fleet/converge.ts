import type { TokenCredential } from '@azure/identity';
import type { Deps } from '../../core/deps.ts';
import type { Connection } from '../../core/sign-in.ts';
import type { FleetApp, FleetFile, FleetTenant } from '../../fleet/fleet-file.ts';
import type { AppOutcome } from '../../fleet/outcome.ts';
import { describeFailure, type TenantWork } from '../../fleet/run-fleet.ts';
import type { GraphGateway } from '../../graph/gateway.ts';
import { assertPrivileges, checkPrivileges, describeMissing, type PreflightReport } from '../../preflight/check-privileges.ts';
import { needsTenantDomains } from '../../provision/exchange-step.ts';
import { provision } from '../../provision/pipeline.ts';
import { privilegesOf } from '../../provision/plan.ts';
import { vaultProbe } from '../../provision/provision-journal.ts';
import { buildProvisionResult, type ProvisionResult } from '../../provision/result.ts';
import { resolveExchangeEndpoint, withExchangeApi } from '../shared/exchange-api.ts';
import { appRequest } from './app-request.ts';
import { applySinksOf, extraSinksFor } from './apply-sinks.ts';
import type { FleetArgs } from './options.ts';
import { openTenantSession, tenantConnection, tenantEnvironment } from './tenant-session.ts';

/**
 * One tenant of `plan` (dryRun) or `apply`: sign in once, then each app through the provision
 * pipeline (src/provision/pipeline.ts), one after another, as `provision` would run them. An app
 * that fails is recorded and the next one still runs; a failed sign-in fails the tenant.
 */
export async function convergeTenant(
  file: FleetFile,
  tenant: FleetTenant,
  args: FleetArgs,
  deps: Deps,
  dryRun: boolean,
  note: (line: string) => void,
): Promise<TenantWork> {
  const env = await tenantEnvironment(file, tenant, deps.env);
  const tenantDeps: Deps = { ...deps, env };
  const connection = tenantConnection(tenant, args, tenantDeps);
  note('signing in');
  const session = await openTenantSession(connection, args, tenantDeps);
  const apps: AppOutcome[] = [];
  for (const app of tenant.apps) {
    note(`${app.uniqueName}: ${dryRun ? 'reading' : 'converging'}`);
    apps.push(
      await convergeApp(file, tenant, app, { connection, deps: tenantDeps, dryRun, verbose: Boolean(args.verbose), ...session }).catch(
        (error: unknown): AppOutcome => ({ uniqueName: app.uniqueName, status: 'failed', ...describeFailure(error) }),
      ),
    );
  }
  return { ...(session.tenantId ? { tenantId: session.tenantId } : {}), apps };
}

interface AppRun {
  connection: Connection;
  deps: Deps;
  dryRun: boolean;
  verbose: boolean;
  graph: GraphGateway;
  token: string;
  credential: TokenCredential;
  tenantId: string | undefined;
}

async function convergeApp(file: FleetFile, tenant: FleetTenant, app: FleetApp, run: AppRun): Promise<AppOutcome> {
  const { connection, deps, dryRun } = run;
  const request = appRequest(file, tenant, app, connection, deps.env, dryRun);
  if (run.tenantId) request.tenantId = run.tenantId;
  request.exchange.interactive = false;
  // A settled journal asks the vault too; a secret apply mints also goes to the app's other sinks.
  request.sinkProbe = vaultProbe(run.credential);
  const sinks = applySinksOf(file, tenant, app);
  if (sinks) {
    const context = { deps, connection, credential: run.credential, tenantId: run.tenantId ?? tenant.tenant, model: request.desired.model };
    request.extraSinks = extraSinksFor(sinks, app, context);
  }
  request.exchange = withExchangeApi(request.exchange, {
    credential: run.credential,
    connection,
    endpoint: resolveExchangeEndpoint(undefined, connection, deps.env),
    verbose: run.verbose,
    deps,
  });
  let preflight: PreflightReport = { identity: 'unknown', checked: false, missing: [] };
  request.onPlan = (plan, observed) => {
    const { consents, writesApplication } = privilegesOf(plan, observed);
    preflight = checkPrivileges(run.token, consents, writesApplication, needsTenantDomains(request.exchange));
    if (!dryRun) assertPrivileges(preflight, { tenant: connection.tenant });
  };
  const ctx = await provision(request, deps, run.graph);
  const result = buildProvisionResult(request, ctx);
  const changes = pendingChanges(result);
  const missing = dryRun ? describeMissing(preflight) : [];
  const written = result.secret?.writtenTo ?? result.certificate?.writtenTo;
  const detail = [
    changes.length > 0 ? `${changes.length} change(s)${dryRun ? ' pending' : ''}` : 'up to date',
    ...(missing.length > 0 ? [`apply would stop with exit 4: ${missing.join('; ')}`] : []),
    ...(written ? [`config written to ${written}`] : []),
  ].join('; ');
  return {
    uniqueName: app.uniqueName,
    ...(result.application ? { appId: result.application.appId } : {}),
    status: changes.length === 0 ? 'ok' : dryRun ? 'drift' : 'changed',
    changes: result.changes,
    detail,
    ...(missing.length > 0 ? { missing } : {}),
  };
}

/**
 * What differs from the file: the plan's changes, where `--exchange api`'s one "converge" line is
 * replaced by the Exchange objects its reads found different (a converged app has none).
 */
function pendingChanges(result: ProvisionResult) {
  const entra = result.changes.filter((c) => c.action !== 'none' && !(c.step === 'exchange' && result.exchange.mode === 'api'));
  const exchange = (result.exchange.changes ?? []).filter((c) => c.action !== 'none');
  return [...entra, ...exchange];
}
