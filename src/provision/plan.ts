import type { PermissionRequest } from '../core/models.ts';
import { type ApplicationPlan, planApplication } from './application.ts';
import { type CertificatePlan, planCertificate } from './certificate.ts';
import { type ConsentPlan, managedResourceIds, planConsent } from './consent.ts';
import { type ExchangeOptions, planExchange } from './exchange.ts';
import { type ExtraSinks, mintForSinks, sinksMissing } from './extra-sinks.ts';
import { planSecret, type SecretStepPlan } from './secret.ts';
import { planServicePrincipal } from './service-principal.ts';
import type { Change, Desired, Observed } from './types.ts';

/** What one provision will do, step by step: each step's pure plan from what was asked and what was read. */
export interface ProvisionPlan {
  application: ApplicationPlan;
  servicePrincipal: Change;
  consent: ConsentPlan;
  /** With `--credential certificate` an empty plan: secrets are neither minted nor touched. */
  secret: SecretStepPlan;
  /** Only with `--credential certificate`. */
  certificate?: CertificatePlan;
  exchange: Change;
  changes: Change[];
}

export const changed = (c: Change) => c.action !== 'none';

/** Pure: the Entra permissions this plan consents to or withdraws, and whether it writes the app, its SP or a credential. */
export function privilegesOf(plan: ProvisionPlan, observed: Observed): { consents: PermissionRequest[]; writesApplication: boolean } {
  const appIdOf = (resourceId: string) => Object.values(observed.resources).find((r) => r.id === resourceId)?.appId ?? resourceId;
  const consents: PermissionRequest[] = [
    ...plan.consent.assign,
    ...plan.consent.remove.map((r): PermissionRequest => ({ resourceAppId: appIdOf(r.resourceId), value: r.label, type: 'Role' })),
    ...observed.permissions.filter((p) => p.type === 'Scope' && plan.consent.grants.some((g) => g.resourceId === p.resourceId)),
  ];
  const writes = [plan.application.change, plan.servicePrincipal, ...plan.secret.changes, ...(plan.certificate?.changes ?? [])];
  return { consents, writesApplication: writes.some(changed) };
}

/** Pure: the whole plan from what was asked and what was read. */
export function planProvision(desired: Desired, observed: Observed, exchange: ExchangeOptions, nowMs: number): ProvisionPlan {
  const application = planApplication(desired, observed);
  const servicePrincipal = planServicePrincipal(observed);
  const consent = planConsent(observed, managedResourceIds(observed.resources));
  const certificate = desired.credential === 'certificate' ? planCertificate(desired, observed, nowMs) : undefined;
  const secret = certificate ? NO_SECRET : planSecret(desired, observed, nowMs);
  const exchangeChange = planExchange(desired, exchange);
  const credential = certificate?.changes ?? secret.changes;
  return {
    application,
    servicePrincipal,
    consent,
    secret,
    ...(certificate ? { certificate } : {}),
    exchange: exchangeChange,
    changes: [application.change, servicePrincipal, ...consent.changes, ...credential, exchangeChange],
  };
}

const NO_SECRET: SecretStepPlan = { changes: [], mint: false, orphans: [] };

/** Writing the Exchange script is a local file, not a tenant change; running it is one. */
export function changesTenant(plan: ProvisionPlan, exchange: ExchangeOptions): boolean {
  return plan.changes.some((c) => changed(c) && (c.step !== 'exchange' || exchange.mode === 'run'));
}

/** The Exchange step's change, once a dry run's read-only script run has told what it would be. */
export function replaceExchangeChange(plan: ProvisionPlan, change: Change): void {
  plan.exchange = change;
  plan.changes = plan.changes.map((c) => (c.step === 'exchange' ? change : c));
}

/**
 * A kept secret that an extra sink (fleet apply's Key Vault or command) does not hold is not
 * converged: the plan mints a new one for every sink, and the old one retires after its grace period.
 */
export async function mintWhereSinksLack(plan: ProvisionPlan, observed: Observed, extra: ExtraSinks | undefined, lifetimeDays: number) {
  const kept = plan.secret.kept;
  if (!extra || plan.certificate || !kept || !observed.application) return;
  const missing = await sinksMissing(extra.build(observed.application).sinks, observed.journal, kept.keyId);
  if (missing.length === 0) return;
  const before = plan.secret.changes.find((c) => c.action === 'none');
  const after = before ? mintForSinks(before, lifetimeDays, missing) : undefined;
  plan.secret = {
    ...plan.secret,
    mint: true,
    kept: undefined,
    changes: plan.secret.changes.map((c) => (c === before && after ? after : c)),
  };
  plan.changes = plan.changes.map((c) => (c === before && after ? after : c));
}
