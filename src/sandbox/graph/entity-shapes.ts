/**
 * Every property Graph returns for an application and a service principal, with the value a
 * fresh object has: the property set of the v1.0 metadata (CSDL / OpenAPI description at
 * https://graph.microsoft.com/v1.0/$metadata), defaults as the documented create answers show
 * them (https://learn.microsoft.com/graph/api/application-post-applications). Properties Graph
 * returns only on $select (authenticationBehaviors, customSecurityAttributes) and streams (logo)
 * are left out. The sandbox overlays what it models; see docs/sandbox-fidelity.md#whole-objects.
 */
export const APPLICATION_SHAPE: Readonly<Record<string, unknown>> = {
  id: null,
  deletedDateTime: null,
  addIns: [],
  api: {
    acceptMappedClaims: null,
    knownClientApplications: [],
    oauth2PermissionScopes: [],
    preAuthorizedApplications: [],
    requestedAccessTokenVersion: null,
  },
  appId: null,
  applicationTemplateId: null,
  appRoles: [],
  certification: null,
  createdByAppId: null,
  createdDateTime: null,
  defaultRedirectUri: null,
  description: null,
  disabledByMicrosoftStatus: null,
  displayName: null,
  groupMembershipClaims: null,
  identifierUris: [],
  info: { logoUrl: null, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null },
  isDeviceOnlyAuthSupported: null,
  isDisabled: null,
  isFallbackPublicClient: null,
  keyCredentials: [],
  managerApplications: [],
  nativeAuthenticationApisEnabled: null,
  notes: null,
  oauth2RequirePostResponse: null,
  optionalClaims: null,
  parentalControlSettings: { countriesBlockedForMinors: [], legalAgeGroupRule: 'Allow' },
  passwordCredentials: [],
  publicClient: { redirectUris: [] },
  publisherDomain: null,
  requestSignatureVerification: null,
  requiredResourceAccess: [],
  samlMetadataUrl: null,
  serviceManagementReference: null,
  servicePrincipalLockConfiguration: null,
  signInAudience: null,
  spa: { redirectUris: [] },
  tags: [],
  tokenEncryptionKeyId: null,
  uniqueName: null,
  verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
  web: {
    homePageUrl: null,
    implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false },
    logoutUrl: null,
    redirectUris: [],
    redirectUriSettings: [],
  },
};

export const SERVICE_PRINCIPAL_SHAPE: Readonly<Record<string, unknown>> = {
  id: null,
  deletedDateTime: null,
  accountEnabled: null,
  addIns: [],
  alternativeNames: [],
  appDescription: null,
  appDisplayName: null,
  appId: null,
  applicationTemplateId: null,
  appOwnerOrganizationId: null,
  appRoleAssignmentRequired: null,
  appRoles: [],
  createdByAppId: null,
  description: null,
  disabledByMicrosoftStatus: null,
  displayName: null,
  homepage: null,
  info: { logoUrl: null, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null },
  isDisabled: null,
  keyCredentials: [],
  loginUrl: null,
  logoutUrl: null,
  notes: null,
  notificationEmailAddresses: [],
  oauth2PermissionScopes: [],
  passwordCredentials: [],
  preferredSingleSignOnMode: null,
  preferredTokenSigningKeyThumbprint: null,
  replyUrls: [],
  resourceSpecificApplicationPermissions: [],
  samlSingleSignOnSettings: null,
  servicePrincipalNames: [],
  servicePrincipalType: null,
  signInAudience: null,
  tags: [],
  tokenEncryptionKeyId: null,
  verifiedPublisher: { addedDateTime: null, displayName: null, verifiedPublisherId: null },
};

/** A deep copy of a shape, so a serializer can fill it in. */
export function freshShape(shape: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return structuredClone(shape) as Record<string, unknown>;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The shape with `values` laid over it. A complex property the client set partly (`web` with
 * only `redirectUris`) keeps the shape's other members, as Graph's answer does.
 */
export function overlayShape(shape: Readonly<Record<string, unknown>>, values: Record<string, unknown>): Record<string, unknown> {
  const result = freshShape(shape);
  for (const [name, value] of Object.entries(values)) {
    const base = result[name];
    result[name] = isPlainObject(base) && isPlainObject(value) ? { ...base, ...value } : value;
  }
  return result;
}
