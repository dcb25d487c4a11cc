import type { Clock } from '../core/clock.ts';
import { initialDomain } from '../graph/organization.ts';
import type { ServicePrincipal } from '../graph/types.ts';
import {
  applyExchange,
  applyExchangeApi,
  buildExchangeInput,
  type ExchangeOptions,
  KNOWN_AFTER_APPLY,
  modelNeedsExchange,
  renderScriptFor,
} from './exchange.ts';
import { checkExchangeByPlanRun } from './exchange-plan-run.ts';
import { type ProvisionPlan, replaceExchangeChange } from './plan.ts';
import { currentApp, type ProvisionContext, type ProvisionRequest } from './request.ts';
import type { Observed } from './types.ts';

/**
 * The Exchange step of a provision: the experimental admin API, the script's read-only run in a dry run, or the
 * script written or run with pwsh. `onLine` shows pwsh's lines (the device code to enter, above all) as they come.
 */
export async function runExchangeStep(
  request: ProvisionRequest,
  ctx: ProvisionContext,
  clock: Clock,
  onLine: (line: string) => void,
): Promise<void> {
  const { desired } = request;
  const observed = ctx.observed as Observed;
  const options = exchangeOptionsFor(request, observed);
  if (options.mode === 'api') {
    if (!modelNeedsExchange(desired.model)) return;
    const ids = {
      appId: ctx.application?.appId ?? observed.application?.appId ?? KNOWN_AFTER_APPLY.appId,
      servicePrincipalId: ctx.servicePrincipal?.id ?? observed.servicePrincipal?.id ?? KNOWN_AFTER_APPLY.servicePrincipalId,
      tenantId: observed.organization.id,
    };
    ctx.exchange = await applyExchangeApi(buildExchangeInput(desired, ids, options), options, clock, { dryRun: request.dryRun });
    return;
  }
  if (request.dryRun) {
    const ids = {
      appId: currentApp(ctx).appId,
      servicePrincipalId: observed.servicePrincipal?.id ?? '',
      tenantId: observed.organization.id,
    };
    const { change, result } = await checkExchangeByPlanRun(desired, ids, options, onLine);
    replaceExchangeChange(ctx.plan as ProvisionPlan, change);
    ctx.exchange = { mode: options.mode, status: 'planned', scriptPath: null, result };
    return;
  }
  const app = currentApp(ctx);
  const sp = ctx.servicePrincipal as ServicePrincipal;
  ctx.script = renderScriptFor(desired, { appId: app.appId, servicePrincipalId: sp.id, tenantId: observed.organization.id }, options);
  ctx.exchange = await applyExchange(ctx.script, options, onLine);
}

/** `--dry-run --exchange run` with the app and its service principal in place: the script can tell what it would change. */
export function checksExchangeInDryRun(request: ProvisionRequest, ctx: ProvisionContext): boolean {
  if (request.exchange.mode === 'api') return true;
  if (request.exchange.mode !== 'run' || !modelNeedsExchange(request.desired.model)) return false;
  return Boolean(ctx.observed?.application && ctx.observed.servicePrincipal);
}

/** App-only Exchange sign-in without a given organization needs the tenant's initial domain. */
export function needsTenantDomains(exchange: ExchangeOptions): boolean {
  return exchange.mode !== 'skip' && exchange.connect.mode === 'certificate' && !exchange.connect.organization;
}

/** The script --dry-run shows: byte for byte the one a run writes when the ids already exist. */
export function previewScript(ctx: ProvisionContext, request: ProvisionRequest): string | undefined {
  const observed = ctx.observed as Observed;
  return renderScriptFor(
    request.desired,
    {
      appId: observed.application?.appId ?? KNOWN_AFTER_APPLY.appId,
      servicePrincipalId: observed.servicePrincipal?.id ?? KNOWN_AFTER_APPLY.servicePrincipalId,
      tenantId: observed.organization.id,
    },
    exchangeOptionsFor(request, observed),
  );
}

/** App-only certificate sign-in needs the tenant's initial *.onmicrosoft.com domain (docs/exchange-powershell.md#connecting). */
function exchangeOptionsFor(request: ProvisionRequest, observed: Observed): ExchangeOptions {
  const connect = request.exchange.connect;
  if (connect.mode !== 'certificate' || connect.organization) return request.exchange;
  return { ...request.exchange, connect: { ...connect, organization: initialDomain(observed.organization) } };
}
