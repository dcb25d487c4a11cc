/**
 * The sandbox tenant's state: plain JSON, so it can be snapshotted, compared and kept in
 * `--state FILE`. Shapes follow Graph's (its published v1.0 metadata, https://github.com/microsoftgraph/msgraph-metadata) and the
 * Exchange objects the generated PowerShell acts on (docs/exchange-powershell.md). Secrets are never
 * stored: a password credential keeps a SHA-256 of its secret text only.
 */
export interface TenantState {
  version: 1;
  tenant: { id: string; displayName: string; domains: string[] };
  applications: SandboxApplication[];
  servicePrincipals: SandboxServicePrincipal[];
  appRoleAssignments: SandboxAppRoleAssignment[];
  oauth2PermissionGrants: SandboxOAuth2PermissionGrant[];
  /** Directory role memberships (roleTemplateId) of principals (service principal or user object ids). */
  directoryRoleAssignments: { principalId: string; roleTemplateId: string }[];
  /** Tenant app-management policy (reliability rows 18–19). */
  appManagementPolicy: { passwordCredentialsAllowed: boolean; maxPasswordLifetimeDays?: number; policyId: string };
  exchange: ExchangeState;
  mail: { delivered: DeliveredMessage[] };
  /** Key Vault secrets (src/sandbox/keyvault/): a vault stores values, so they are kept here; `--state` files are 0600. */
  keyVault: {
    secrets: {
      name: string;
      versions: {
        version: string;
        created: string;
        contentType?: string;
        valueSha256: string;
        value: string;
        updated?: string;
        enabled?: boolean;
        tags?: Record<string, string>;
      }[];
    }[];
  };
  /** Object id → epoch ms when the object becomes visible to reads and references (replication). */
  replicatedAt: Record<string, number>;
  /** appId of the sandbox's own admin app, so a reloaded `--state FILE` finds it again. */
  adminAppId?: string;
  /** Deleted applications and service principals, restorable for 30 days (src/sandbox/graph/deleted-items.ts). */
  deletedItems?: SandboxDeletedItem[];
}

/** One object in Entra's deleted items; a service principal keeps its assignments and grants while it waits. */
export interface SandboxDeletedItem {
  kind: 'application' | 'servicePrincipal';
  /** When it was deleted (epoch ms, sandbox clock). */
  deletedAt: number;
  application?: SandboxApplication;
  servicePrincipal?: SandboxServicePrincipal;
  appRoleAssignments?: SandboxAppRoleAssignment[];
  oauth2PermissionGrants?: SandboxOAuth2PermissionGrant[];
}

export interface SandboxPasswordCredential {
  keyId: string;
  displayName: string | null;
  hint: string;
  startDateTime: string;
  endDateTime: string;
  customKeyIdentifier: string | null;
  /** SHA-256 (hex) of the secret text; the text itself is never kept. */
  secretSha256: string;
}

export interface SandboxKeyCredential {
  keyId: string;
  displayName: string | null;
  type: 'AsymmetricX509Cert';
  usage: 'Verify';
  /** Base64 DER of the public certificate. */
  key: string;
  startDateTime: string;
  endDateTime: string;
  customKeyIdentifier: string | null;
}

/** Trust in another identity provider's tokens (docs/graph-applications.md#federated-identity-credentials). */
export interface SandboxFederatedCredential {
  id: string;
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
  description: string | null;
}

export interface SandboxApplication {
  id: string;
  appId: string;
  uniqueName: string | null;
  displayName: string;
  signInAudience: string;
  description: string | null;
  notes: string | null;
  tags: string[];
  web: { redirectUris: string[] };
  publicClient: { redirectUris: string[] };
  requiredResourceAccess: { resourceAppId: string; resourceAccess: { id: string; type: 'Role' | 'Scope' }[] }[];
  passwordCredentials: SandboxPasswordCredential[];
  keyCredentials: SandboxKeyCredential[];
  /** Absent in state files written before the sandbox knew them. */
  federatedIdentityCredentials?: SandboxFederatedCredential[];
  createdDateTime: string;
  publisherDomain: string;
  /** Other schema properties a client set (identifierUris, api, info, …), kept and returned as sent. */
  extra?: Record<string, unknown>;
}

export interface SandboxAppRole {
  id: string;
  value: string;
  displayName: string;
  description: string;
  allowedMemberTypes: string[];
  isEnabled: boolean;
  origin: string;
}

export interface SandboxPermissionScope {
  id: string;
  value: string;
  adminConsentDisplayName: string;
  adminConsentDescription: string;
  type: 'User' | 'Admin';
  isEnabled: boolean;
}

export interface SandboxServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  accountEnabled: boolean;
  servicePrincipalType: string;
  appOwnerOrganizationId: string | null;
  tags: string[];
  appRoles: SandboxAppRole[];
  oauth2PermissionScopes: SandboxPermissionScope[];
  notes: string | null;
  description: string | null;
  /** Names the service principal is found by; default: its appId and the app's identifier URIs. */
  servicePrincipalNames?: string[];
  /** Other schema properties a client set, kept and returned as sent. */
  extra?: Record<string, unknown>;
}

export interface SandboxAppRoleAssignment {
  id: string;
  appRoleId: string;
  principalId: string;
  principalType: 'ServicePrincipal';
  principalDisplayName: string;
  resourceId: string;
  resourceDisplayName: string;
  createdDateTime: string;
}

export interface SandboxOAuth2PermissionGrant {
  id: string;
  clientId: string;
  consentType: 'AllPrincipals' | 'Principal';
  principalId: string | null;
  resourceId: string;
  scope: string;
}

/** What Exchange Online knows (docs/exchange-powershell.md#new-serviceprincipal-and-which-objectid, docs/exchange-powershell.md#get-serviceprincipal, docs/exchange-powershell.md#mailbox-and-cas-cmdlets, docs/exchange-powershell.md#idempotency-check-then-create, docs/sending-models.md#graph-with-rbac-for-applications-graph-rbac). */
export interface ExchangeState {
  /** Organization-wide `Set-TransportConfig -SmtpClientAuthenticationDisabled`; true for tenants created after Jan 2020. */
  smtpClientAuthenticationDisabled: boolean;
  mailboxes: ExchangeMailbox[];
  /** `New-ServicePrincipal` references to Entra service principals. */
  servicePrincipals: { identity: string; appId: string; objectId: string; displayName: string; createdAt: number }[];
  mailboxPermissions: { identity: string; user: string; accessRights: 'FullAccess' }[];
  recipientPermissions: { identity: string; trustee: string; accessRights: 'SendAs' }[];
  managementScopes: { name: string; recipientRestrictionFilter: string }[];
  roleAssignments: { name: string; app: string; role: string; customResourceScope: string; createdAt: number }[];
  /** RBAC-for-applications cache (docs/sending-models.md#graph-with-rbac-for-applications-graph-rbac): assignments are effective from createdAt + this. */
  rbacPropagationMs: number;
}

export interface ExchangeMailbox {
  /** Primary SMTP address, lower-cased. */
  address: string;
  displayName: string;
  /** Licensed Exchange Online mailbox (false → Graph MailboxNotEnabledForRESTAPI), unless shared. */
  licensed: boolean;
  /** A shared mailbox: it sends without a licence (docs/exchange-powershell.md#get-mailbox-and-licences). */
  shared?: boolean;
  /** `Set-CASMailbox -SmtpClientAuthenticationDisabled`: null follows the organization. */
  smtpClientAuthenticationDisabled: boolean | null;
}

export interface DeliveredMessage {
  id: string;
  via: 'smtp' | 'graph';
  from: string;
  to: string[];
  subject: string;
  /** The app (appid claim) that sent it. */
  appId: string;
  receivedAt: string;
  size: number;
}
