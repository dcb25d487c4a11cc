import { randomUUID } from 'node:crypto';
import { blankApplication } from './graph/application-model.ts';
import type { TenantState } from './state.ts';

/** Most filler objects one sandbox takes: enough for a large tenant, small enough for memory. */
export const MAX_FILLER = 100_000;

/**
 * `--filler N`: N applications, each with its service principal, that entra-mail does not manage
 * (no tag of the tool, no credentials): a tenant as full as a real one, so a benchmark can show
 * that a command's requests and time do not grow with the number of other apps.
 */
export function addFiller(state: TenantState, count: number, now: Date): void {
  const domain = state.tenant.domains[0] ?? '';
  const created = now.toISOString();
  for (let i = 1; i <= count; i++) {
    const displayName = `Line-of-business app ${String(i).padStart(6, '0')}`;
    const app = blankApplication({ displayName, signInAudience: 'AzureADMyOrg', createdDateTime: created, publisherDomain: domain });
    state.applications.push(app);
    state.servicePrincipals.push({
      id: randomUUID(),
      appId: app.appId,
      displayName,
      accountEnabled: true,
      servicePrincipalType: 'Application',
      appOwnerOrganizationId: state.tenant.id,
      tags: ['WindowsAzureActiveDirectoryIntegratedApp'],
      appRoles: [],
      oauth2PermissionScopes: [],
      notes: null,
      description: null,
    });
  }
}
