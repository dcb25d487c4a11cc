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

/**
 * A deep copy of a part of a shape, so a serializer can fill it in. Shapes hold only null, strings,
 * numbers, booleans, arrays and plain objects, so a walk over them copies all there is;
 * structuredClone did the same at several times the cost, most of what a 999-item page took the
 * sandbox (docs/performance.md#status-and-rotate---all-over-1000-managed-apps).
 */
function copyPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyPlain);
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const name of Object.keys(value)) copy[name] = copyPlain(value[name]);
  return copy;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The shape with `values` laid over it, in the shape's property order, then the values' own. A
 * complex property the client set partly (`web` with only `redirectUris`) keeps the shape's other
 * members, as Graph's answer does. Only the shape's members no value replaces are copied; with
 * `select`, only the properties it names are made (what a `$select` answer shows of them is the same).
 */
export function overlayShape(
  shape: Readonly<Record<string, unknown>>,
  values: Record<string, unknown>,
  select?: readonly string[],
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const names = select ? select.filter((name) => Object.hasOwn(shape, name)) : Object.keys(shape);
  for (const name of names) {
    const base = shape[name];
    if (!Object.hasOwn(values, name)) result[name] = copyPlain(base);
    else {
      const value = values[name];
      result[name] = isPlainObject(base) && isPlainObject(value) ? { ...(copyPlain(base) as Record<string, unknown>), ...value } : value;
    }
  }
  for (const name of Object.keys(values)) {
    if (!Object.hasOwn(shape, name) && (!select || select.includes(name))) result[name] = values[name];
  }
  return result;
}

/**
 * What `$filter`, `$search` and `$orderby` read of an object: its top-level properties as
 * overlayShape gives them, without copying the shape (the shape is the view's prototype, so a
 * property the values leave out reads the shape's default). A complex property is not merged, but
 * none is filterable (filter-support.ts). A list serializes in full only the page it answers with.
 */
export function shapeView(shape: Readonly<Record<string, unknown>>, values: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(Object.create(shape) as Record<string, unknown>, values);
}
