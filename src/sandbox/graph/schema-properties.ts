/**
 * Property names of the Graph types the sandbox accepts in POST/PATCH bodies, copied from the
 * schemas in graph-openapi-subset.yaml (including the inherited entity/directoryObject ones).
 * Kept as a table so the YAML is never loaded at run time; a body naming anything else is
 * answered 400 "Property '<name>' does not exist on type 'microsoft.graph.<type>'."
 */
export const GRAPH_TYPE_PROPERTIES = {
  application: [
    'id', '@odata.type', 'deletedDateTime', 'addIns', 'api', 'appId', 'applicationTemplateId', 'appRoles',
    'authenticationBehaviors', 'certification', 'createdByAppId', 'createdDateTime', 'defaultRedirectUri', 'description',
    'disabledByMicrosoftStatus', 'displayName', 'groupMembershipClaims', 'identifierUris', 'info',
    'isDeviceOnlyAuthSupported', 'isDisabled', 'isFallbackPublicClient', 'keyCredentials', 'logo', 'managerApplications',
    'nativeAuthenticationApisEnabled', 'notes', 'oauth2RequirePostResponse', 'optionalClaims', 'parentalControlSettings',
    'passwordCredentials', 'publicClient', 'publisherDomain', 'requestSignatureVerification', 'requiredResourceAccess',
    'samlMetadataUrl', 'serviceManagementReference', 'servicePrincipalLockConfiguration', 'signInAudience', 'spa', 'tags',
    'tokenEncryptionKeyId', 'uniqueName', 'verifiedPublisher', 'web',
  ],
  servicePrincipal: [
    'id', '@odata.type', 'deletedDateTime', 'accountEnabled', 'addIns', 'alternativeNames', 'appDescription',
    'appDisplayName', 'appId', 'applicationTemplateId', 'appOwnerOrganizationId', 'appRoleAssignmentRequired', 'appRoles',
    'createdByAppId', 'customSecurityAttributes', 'description', 'disabledByMicrosoftStatus', 'displayName', 'homepage',
    'info', 'isDisabled', 'keyCredentials', 'loginUrl', 'logoutUrl', 'notes', 'notificationEmailAddresses',
    'oauth2PermissionScopes', 'passwordCredentials', 'preferredSingleSignOnMode', 'preferredTokenSigningKeyThumbprint',
    'replyUrls', 'resourceSpecificApplicationPermissions', 'samlSingleSignOnSettings', 'servicePrincipalNames',
    'servicePrincipalType', 'signInAudience', 'tags', 'tokenEncryptionKeyId', 'verifiedPublisher',
  ],
  appRoleAssignment: [
    'id', '@odata.type', 'deletedDateTime', 'appRoleId', 'createdDateTime', 'principalDisplayName', 'principalId',
    'principalType', 'resourceDisplayName', 'resourceId',
  ],
  oAuth2PermissionGrant: ['id', '@odata.type', 'clientId', 'consentType', 'principalId', 'resourceId', 'scope'],
  passwordCredential: ['customKeyIdentifier', 'displayName', 'endDateTime', 'hint', 'keyId', 'secretText', 'startDateTime'],
  organization: [
    'id', '@odata.type', 'deletedDateTime', 'assignedPlans', 'businessPhones', 'city', 'country', 'countryLetterCode',
    'createdDateTime', 'defaultUsageLocation', 'displayName', 'marketingNotificationEmails', 'mobileDeviceManagementAuthority',
    'onPremisesLastSyncDateTime', 'onPremisesSyncEnabled', 'partnerTenantType', 'postalCode', 'preferredLanguage',
    'privacyProfile', 'provisionedPlans', 'securityComplianceNotificationMails', 'securityComplianceNotificationPhones',
    'state', 'street', 'technicalNotificationMails', 'tenantType', 'verifiedDomains',
  ],
  keyCredential: ['customKeyIdentifier', 'displayName', 'endDateTime', 'key', 'keyId', 'startDateTime', 'type', 'usage'],
} as const satisfies Record<string, readonly string[]>;

export type GraphTypeName = keyof typeof GRAPH_TYPE_PROPERTIES;
