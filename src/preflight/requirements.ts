import type { PermissionRequest } from '../core/models.ts';
import { type DIRECTORY_ROLES, GRAPH_APP_ID } from '../core/well-known.ts';

export type DirectoryRoleName = keyof typeof DIRECTORY_ROLES;

/** One permission, or several that are needed together (Microsoft's "A and B"). */
export type PermissionSet = string | readonly string[];

/**
 * One thing the run will do and what allows it. An app-only caller needs one of `appPermissions`;
 * a signed-in user needs one of `delegatedScopes` and, when `directoryRoles` is not empty, one of
 * those directory roles (docs/permissions.md#permission-each-graph-call-needs; consent to Microsoft Graph application
 * permissions needs Global Administrator or Privileged Role Administrator; Application /
 * Cloud Application Administrator suffice for other resources such as Exchange Online).
 */
export interface Requirement {
  step: 'read' | 'application' | 'consent';
  /** What the run does with it, e.g. "consent to Mail.Send (Microsoft Graph)". */
  purpose: string;
  appPermissions: PermissionSet[];
  delegatedScopes: PermissionSet[];
  directoryRoles: DirectoryRoleName[];
}

const APP_ADMIN_ROLES: DirectoryRoleName[] = [
  'Global Administrator',
  'Privileged Role Administrator',
  'Cloud Application Administrator',
  'Application Administrator',
];
const GRAPH_ROLE_CONSENT_ROLES: DirectoryRoleName[] = ['Global Administrator', 'Privileged Role Administrator'];
// Directory.AccessAsUser.All lets a user token act with the user's own directory roles.
const AS_USER = 'Directory.AccessAsUser.All';
// Granting an app role: AppRoleAssignment.ReadWrite.All together with Application.Read.All (or
// Directory.Read.All, or either's ReadWrite form), as Microsoft's page lists (docs/permissions.md).
const GRANT_APP_ROLE: PermissionSet[] = [
  'Application.Read.All',
  'Application.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
].map((reader) => ['AppRoleAssignment.ReadWrite.All', reader]);

/**
 * Pure: the privileges a provision run needs for the consents it will make (`permissions`) and,
 * when `writesApplication`, for writing the app, its service principal or its credential.
 */
export function requirementsFor(permissions: PermissionRequest[], writesApplication = true, readsOrganization = false): Requirement[] {
  const requirements: Requirement[] = [];
  if (readsOrganization) {
    // GET /organization/{id}: Organization.Read.All is the least privileged app permission; any
    // signed-in user may read it (User.Read). docs/permissions.md
    requirements.push({
      step: 'read',
      purpose: "read the tenant's domains (app-only Exchange sign-in needs its *.onmicrosoft.com domain)",
      appPermissions: ['Organization.Read.All', 'Directory.Read.All', 'Organization.ReadWrite.All', 'Directory.ReadWrite.All'],
      delegatedScopes: ['User.Read', 'Organization.Read.All', 'Directory.Read.All', AS_USER],
      directoryRoles: [],
    });
  }
  if (writesApplication) {
    requirements.push({
      step: 'application',
      purpose: 'create or update the app registration, its service principal and client secret',
      appPermissions: ['Application.ReadWrite.All', 'Application.ReadWrite.OwnedBy'],
      delegatedScopes: ['Application.ReadWrite.All', AS_USER],
      directoryRoles: [],
    });
  }
  for (const p of permissions.filter((x) => x.type === 'Role')) {
    const graph = p.resourceAppId === GRAPH_APP_ID;
    requirements.push({
      step: 'consent',
      purpose: `grant admin consent to the application permission ${p.value} (${graph ? 'Microsoft Graph' : 'Office 365 Exchange Online'})`,
      appPermissions: GRANT_APP_ROLE,
      delegatedScopes: [...GRANT_APP_ROLE, AS_USER],
      directoryRoles: graph ? GRAPH_ROLE_CONSENT_ROLES : APP_ADMIN_ROLES,
    });
  }
  const scopes = permissions.filter((x) => x.type === 'Scope').map((x) => x.value);
  if (scopes.length > 0) {
    requirements.push({
      step: 'consent',
      purpose: `grant tenant-wide delegated consent to ${scopes.join(', ')}`,
      appPermissions: ['DelegatedPermissionGrant.ReadWrite.All'],
      delegatedScopes: ['DelegatedPermissionGrant.ReadWrite.All', AS_USER],
      directoryRoles: APP_ADMIN_ROLES,
    });
  }
  return requirements;
}
