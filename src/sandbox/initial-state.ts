import { randomUUID } from 'node:crypto';
import { EXCHANGE_ONLINE, MICROSOFT_GRAPH, MICROSOFT_TENANT_ID, type MicrosoftResource } from './graph/microsoft-service-principals.ts';
import type { SandboxServicePrincipal, TenantState } from './state.ts';

export const SANDBOX_TENANT_DOMAIN = 'contoso.onmicrosoft.com';

/** Who a tenant is: its name and verified domains; the mailboxes live on the last domain. */
export interface TenantIdentity {
  displayName: string;
  /** Verified domains; the first is the initial `*.onmicrosoft.com` one. */
  domains: string[];
}

/** The first sandbox tenant, as it has always been. */
const CONTOSO: TenantIdentity = { displayName: 'Contoso (sandbox)', domains: [SANDBOX_TENANT_DOMAIN, 'contoso.com'] };

/** The local parts of every tenant's mailboxes; `unlicensed` has no Exchange Online licence. */
export const SANDBOX_MAILBOXES = [
  { local: 'noreply', displayName: 'No Reply', licensed: true },
  { local: 'hr', displayName: 'HR', licensed: true },
  { local: 'alerts', displayName: 'Alerts', licensed: true },
  { local: 'unlicensed', displayName: 'Unlicensed', licensed: false },
] as const;

/** The mailbox addresses of a tenant with these domains. */
export function mailboxAddresses(identity: TenantIdentity): string[] {
  const domain = identity.domains[identity.domains.length - 1] ?? SANDBOX_TENANT_DOMAIN;
  return SANDBOX_MAILBOXES.map((m) => `${m.local}@${domain}`);
}

/** A fresh tenant: the Graph and Exchange resource service principals and a few mailboxes. */
export function createInitialState(options: { tenantId?: string; now?: Date; identity?: TenantIdentity } = {}): TenantState {
  const tenantId = options.tenantId ?? randomUUID();
  const identity = options.identity ?? CONTOSO;
  const addresses = mailboxAddresses(identity);
  return {
    version: 1,
    tenant: { id: tenantId, displayName: identity.displayName, domains: [...identity.domains] },
    applications: [],
    servicePrincipals: [microsoftServicePrincipal(MICROSOFT_GRAPH), microsoftServicePrincipal(EXCHANGE_ONLINE)],
    appRoleAssignments: [],
    oauth2PermissionGrants: [],
    directoryRoleAssignments: [],
    appManagementPolicy: { passwordCredentialsAllowed: true, policyId: randomUUID() },
    exchange: {
      smtpClientAuthenticationDisabled: true,
      mailboxes: SANDBOX_MAILBOXES.map((m, i) => ({
        address: addresses[i] as string,
        displayName: m.displayName,
        licensed: m.licensed,
        smtpClientAuthenticationDisabled: null,
      })),
      servicePrincipals: [],
      mailboxPermissions: [],
      recipientPermissions: [],
      managementScopes: [],
      roleAssignments: [],
      rbacPropagationMs: 0,
    },
    mail: { delivered: [] },
    keyVault: { secrets: [] },
    replicatedAt: {},
  };
}

/** A first-party resource service principal as a tenant holds it (docs/sandbox-fidelity.md). */
function microsoftServicePrincipal(resource: MicrosoftResource): SandboxServicePrincipal {
  return {
    id: randomUUID(),
    appId: resource.appId,
    displayName: resource.displayName,
    accountEnabled: true,
    servicePrincipalType: 'Application',
    appOwnerOrganizationId: MICROSOFT_TENANT_ID,
    servicePrincipalNames: [...resource.servicePrincipalNames],
    tags: [],
    appRoles: resource.appRoles.map((r) => ({
      id: r.id,
      value: r.value,
      displayName: r.displayName,
      description: r.displayName,
      allowedMemberTypes: ['Application'],
      isEnabled: true,
      origin: 'Application',
    })),
    oauth2PermissionScopes: resource.scopes.map((s) => ({
      id: s.id,
      value: s.value,
      adminConsentDisplayName: s.displayName,
      adminConsentDescription: s.displayName,
      type: 'User' as const,
      isEnabled: true,
    })),
    notes: null,
    description: null,
  };
}
