import type { FilterSupport } from './filter.ts';

/**
 * Which `$filter` operators Graph documents for each property the sandbox lets a client filter on,
 * copied from the resource pages' "Supports `$filter` (…)" notes (docs/graph-list-queries.md#filter-support).
 * A property or operator missing here is refused as Graph refuses it: 400 Request_UnsupportedQuery.
 * `ge`/`le` are documented for some of these but not parsed by the sandbox, so they are left out.
 */

/** https://learn.microsoft.com/graph/api/resources/application (properties table). */
export const APPLICATION_FILTERS: FilterSupport = {
  appId: ['eq', 'not', 'in', 'startsWith'],
  displayName: ['eq', 'not', 'in', 'startsWith'],
  id: ['eq', 'not', 'in'],
  identifierUris: ['any', 'not'],
  publisherDomain: ['eq', 'not', 'in', 'startsWith'],
  signInAudience: ['eq', 'not'],
  tags: ['any', 'not'],
  uniqueName: ['eq', 'not', 'in', 'startsWith'],
};

/** https://learn.microsoft.com/graph/api/resources/serviceprincipal (properties table). */
export const SERVICE_PRINCIPAL_FILTERS: FilterSupport = {
  appId: ['eq', 'not', 'in', 'startsWith'],
  appOwnerOrganizationId: ['eq', 'not', 'in'],
  displayName: ['eq', 'not', 'in', 'startsWith'],
  id: ['eq', 'not', 'in'],
  servicePrincipalNames: ['any', 'not'],
  servicePrincipalType: ['eq', 'not', 'in'],
  tags: ['any', 'not'],
};

/** https://learn.microsoft.com/graph/api/resources/oauth2permissiongrant: `eq` only. */
export const PERMISSION_GRANT_FILTERS: FilterSupport = {
  clientId: ['eq'],
  consentType: ['eq'],
  principalId: ['eq'],
  resourceId: ['eq'],
};

/** https://learn.microsoft.com/graph/api/resources/approleassignment: `eq` on the ids. */
export const APP_ROLE_ASSIGNMENT_FILTERS: FilterSupport = {
  appRoleId: ['eq'],
  principalId: ['eq'],
  resourceId: ['eq'],
};
