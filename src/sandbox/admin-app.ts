import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { blankApplication } from './graph/application-model.ts';
import { DIRECTORY_ROLES, EXCHANGE_APP_ID, GRAPH_APP_ID } from '../core/well-known.ts';
import { Secret } from '../core/secret.ts';
import type { TenantState } from './state.ts';
import { sandboxAdminUser } from './token/user-token.ts';

/** Graph app roles the sandbox admin app holds unless told otherwise. */
export const DEFAULT_ADMIN_GRAPH_ROLES = [
  'Application.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'DelegatedPermissionGrant.ReadWrite.All',
  'Organization.Read.All',
];

const ADMIN_DISPLAY_NAME = 'entra-mail sandbox admin';

/** What a customer tenant needs to know of the admin app registered in the home tenant. */
export interface AdminAppIdentity {
  appId: string;
  displayName: string;
  /** The home tenant, which owns the application object (`appOwnerOrganizationId` of every service principal). */
  homeTenantId: string;
  roles: string[];
}

/**
 * Ensures the sandbox admin app in the home tenant, its service principal and exactly `roles` on
 * the Graph resource service principal, and mints a fresh client secret. The app is multi-tenant
 * (`AzureADMultipleOrgs`, docs/sign-in.md#one-admin-app-for-many-tenants): every other sandbox
 * tenant holds its service principal, consented by that tenant's administrator
 * (`consentAdminApp`), and its credentials sign in to any of them. Only the secret's SHA-256 is
 * stored, so a reloaded `--state FILE` cannot recover the old one: every start replaces the admin
 * app's credentials. Objects are created already replicated (they predate the session).
 */
export function ensureAdminApp(
  state: TenantState,
  roles: string[],
  now: Date,
): { appId: string; secret: Secret; identity: AdminAppIdentity } {
  const created = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  let app = state.applications.find((a) => a.appId === state.adminAppId);
  if (!app) {
    app = blankApplication({
      uniqueName: 'entra-mail-sandbox-admin',
      displayName: ADMIN_DISPLAY_NAME,
      signInAudience: 'AzureADMultipleOrgs',
      description: 'Signs in to the sandbox tenants as their administrator (--auth env).',
      createdDateTime: created,
      publisherDomain: state.tenant.domains[0] ?? '',
    });
    state.applications.push(app);
    state.adminAppId = app.appId;
  }
  // A state file from a sandbox of one tenant knew the app as single-tenant.
  app.signInAudience = 'AzureADMultipleOrgs';
  const identity: AdminAppIdentity = { appId: app.appId, displayName: ADMIN_DISPLAY_NAME, homeTenantId: state.tenant.id, roles };
  consentAdminApp(state, identity, now);

  const secretText = randomBytes(30).toString('base64url');
  const end = new Date(now.getTime() + 365 * 24 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  app.passwordCredentials = [
    {
      keyId: randomUUID(),
      displayName: 'sandbox session',
      hint: secretText.slice(0, 3),
      startDateTime: created,
      endDateTime: end,
      customKeyIdentifier: null,
      secretSha256: createHash('sha256').update(secretText).digest('hex'),
    },
  ];
  return { appId: app.appId, secret: new Secret(secretText), identity };
}

/**
 * The admin app's service principal in `state`, as a tenant administrator's admin consent leaves
 * it (docs/sign-in.md#admin-consent-in-a-customer-tenant): the app roles granted on Graph
 * (`roles`) and Exchange (`Exchange.ManageAsApp`), the Exchange Administrator role, and the
 * tenant's own Global Administrator user for device-code sign-in.
 */
export function consentAdminApp(state: TenantState, admin: AdminAppIdentity, now: Date): void {
  const created = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  let sp = state.servicePrincipals.find((s) => s.appId === admin.appId);
  if (!sp) {
    sp = {
      id: randomUUID(),
      appId: admin.appId,
      displayName: admin.displayName,
      accountEnabled: true,
      servicePrincipalType: 'Application',
      appOwnerOrganizationId: admin.homeTenantId,
      tags: [],
      appRoles: [],
      oauth2PermissionScopes: [],
      notes: null,
      description: null,
    };
    state.servicePrincipals.push(sp);
  }
  syncGraphRoles(state, sp.id, sp.displayName, admin.roles, created);
  ensureExchangeAdministration(state, sp.id, sp.displayName, created);
  ensureGlobalAdministrator(state);
}

function syncGraphRoles(state: TenantState, principalId: string, principalName: string, roles: string[], created: string): void {
  const graph = state.servicePrincipals.find((s) => s.appId === GRAPH_APP_ID);
  if (!graph) throw new Error('sandbox state has no Microsoft Graph service principal');
  const wanted = roles.map((value) => {
    const role = graph.appRoles.find((r) => r.value === value);
    if (!role) throw new RangeError(`Graph has no app role '${value}' (known: ${graph.appRoles.map((r) => r.value).join(', ')})`);
    return role.id;
  });
  state.appRoleAssignments = state.appRoleAssignments.filter(
    (a) => !(a.principalId === principalId && a.resourceId === graph.id && !wanted.includes(a.appRoleId)),
  );
  for (const appRoleId of wanted) {
    if (state.appRoleAssignments.some((a) => a.principalId === principalId && a.resourceId === graph.id && a.appRoleId === appRoleId))
      continue;
    state.appRoleAssignments.push({
      id: randomBytes(32).toString('base64url'),
      appRoleId,
      principalId,
      principalType: 'ServicePrincipal',
      principalDisplayName: principalName,
      resourceId: graph.id,
      resourceDisplayName: graph.displayName,
      createdDateTime: created,
    });
  }
}

/**
 * App-only Exchange administration as Microsoft documents it for the V3 module
 * (https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2): the
 * Exchange.ManageAsApp application permission, consented, and the Exchange Administrator role.
 */
function ensureExchangeAdministration(state: TenantState, principalId: string, principalName: string, created: string): void {
  const exchange = state.servicePrincipals.find((s) => s.appId === EXCHANGE_APP_ID);
  const manageAsApp = exchange?.appRoles.find((r) => r.value === 'Exchange.ManageAsApp');
  if (exchange && manageAsApp) {
    const held = state.appRoleAssignments.some(
      (a) => a.principalId === principalId && a.resourceId === exchange.id && a.appRoleId === manageAsApp.id,
    );
    if (!held) {
      state.appRoleAssignments.push({
        id: randomBytes(32).toString('base64url'),
        appRoleId: manageAsApp.id,
        principalId,
        principalType: 'ServicePrincipal',
        principalDisplayName: principalName,
        resourceId: exchange.id,
        resourceDisplayName: exchange.displayName,
        createdDateTime: created,
      });
    }
  }
  const roleTemplateId = DIRECTORY_ROLES['Exchange Administrator'];
  if (!state.directoryRoleAssignments.some((r) => r.principalId === principalId && r.roleTemplateId === roleTemplateId)) {
    state.directoryRoleAssignments.push({ principalId, roleTemplateId });
  }
}

/** The device-code user `admin@<domain>` holds Global Administrator. */
function ensureGlobalAdministrator(state: TenantState): void {
  const user = sandboxAdminUser(state.tenant.id, state.tenant.domains[0] ?? '');
  const roleTemplateId = DIRECTORY_ROLES['Global Administrator'];
  if (!state.directoryRoleAssignments.some((r) => r.principalId === user.id && r.roleTemplateId === roleTemplateId)) {
    state.directoryRoleAssignments.push({ principalId: user.id, roleTemplateId });
  }
}
