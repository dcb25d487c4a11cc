/** The Graph shapes this tool reads and writes (graph-openapi-subset.yaml), narrowed to what it uses. */

export interface RequiredResourceAccess {
  resourceAppId: string;
  resourceAccess: { id: string; type: 'Role' | 'Scope' }[];
}

export interface PasswordCredential {
  keyId: string;
  displayName: string | null;
  hint: string | null;
  startDateTime: string;
  endDateTime: string;
}

/** Only in the addPassword answer. */
export interface NewPasswordCredential extends PasswordCredential {
  secretText: string;
}

export interface KeyCredential {
  keyId: string;
  displayName: string | null;
  type: string;
  usage: string;
  startDateTime: string;
  endDateTime: string;
  /** Base64 DER of the public certificate; only returned when `$select` names keyCredentials. */
  key?: string | null;
}

export interface Application {
  id: string;
  appId: string;
  uniqueName: string | null;
  displayName: string;
  signInAudience: string;
  tags: string[];
  notes: string | null;
  web: { redirectUris: string[] };
  publicClient: { redirectUris: string[] };
  requiredResourceAccess: RequiredResourceAccess[];
  passwordCredentials: PasswordCredential[];
  keyCredentials: KeyCredential[];
}

/**
 * What `status` and `rotate --all` read of each managed app in their list: the names, the tags
 * that carry the model, and the credentials. Half the bytes of APPLICATION_SELECT per app; each
 * rotation reads its app in full again under the app's lock.
 */
export const LISTED_APPLICATION_SELECT = 'id,appId,uniqueName,displayName,tags,passwordCredentials,keyCredentials';
export type ListedApplication = Pick<
  Application,
  'id' | 'appId' | 'uniqueName' | 'displayName' | 'tags' | 'passwordCredentials' | 'keyCredentials'
>;

export interface AppRole {
  id: string;
  value: string;
  allowedMemberTypes: string[];
  isEnabled: boolean;
}

export interface PermissionScope {
  id: string;
  value: string;
  isEnabled: boolean;
}

export interface ServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  appRoles: AppRole[];
  oauth2PermissionScopes: PermissionScope[];
  tags: string[];
}

export interface AppRoleAssignment {
  id: string;
  appRoleId: string;
  principalId: string;
  resourceId: string;
}

export interface OAuth2PermissionGrant {
  id: string;
  clientId: string;
  consentType: 'AllPrincipals' | 'Principal';
  principalId: string | null;
  resourceId: string;
  scope: string;
}

export interface Organization {
  id: string;
  displayName: string;
  verifiedDomains: { name: string; isDefault: boolean; isInitial: boolean }[];
}

export const APPLICATION_SELECT =
  'id,appId,uniqueName,displayName,signInAudience,tags,notes,web,publicClient,requiredResourceAccess,passwordCredentials,keyCredentials';
export const SERVICE_PRINCIPAL_SELECT = 'id,appId,displayName,appRoles,oauth2PermissionScopes,tags';
