import { GRAPH_APP_ID } from '../core/well-known.ts';
import type { ProvisionPlan } from './plan.ts';
import type { Observed } from './types.ts';

/**
 * Pure: what in a plan deserves a second look before anyone says yes. The warnings are part of
 * the plan: shown before the confirmation, in `--dry-run` output and in the `--json` result.
 *
 * - Graph application `Mail.Send` with admin consent lets the app send as every mailbox in the
 *   tenant; Exchange RBAC for Applications (`--model graph-rbac`) limits it to a scope, and only
 *   works when that Entra grant is absent (docs/sending-models.md).
 * - Removing an admin consent (a model change) stops whatever still signs in with the old model.
 * - Application permissions with Graph's own resource need a Global or Privileged Role
 *   Administrator to consent; that is the preflight's business, not a warning.
 */
export function planWarnings(plan: ProvisionPlan, observed: Observed): string[] {
  const warnings: string[] = [];
  const graphResourceIds = new Set(
    Object.values(observed.resources)
      .filter((r) => r.appId === GRAPH_APP_ID)
      .map((r) => r.id),
  );
  const tenantWide = plan.consent.assign.filter((p) => p.type === 'Role' && p.value === 'Mail.Send' && graphResourceIds.has(p.resourceId));
  if (tenantWide.length > 0) {
    warnings.push(
      'admin consent to Microsoft Graph Mail.Send (application) lets this app send as ANY mailbox in the tenant. ' +
        'To limit it to chosen mailboxes, provision with --model graph-rbac instead (Exchange RBAC for Applications: https://learn.microsoft.com/exchange/permissions-exo/application-rbac).',
    );
  }
  for (const removed of plan.consent.remove) {
    warnings.push(`admin consent to ${removed.label} is withdrawn: anything still sending with this app's previous model stops working.`);
  }
  return warnings;
}
