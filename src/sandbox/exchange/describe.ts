import type { ExchangeState } from '../state.ts';

/**
 * The objects the sandbox's Exchange returns, with the property names (and value types) the real
 * cmdlets return, so a script that reads the wrong property fails here as it would in a tenant
 * (docs/exchange-powershell.md "Property names the scripts read"). A cmdlet *parameter* is not a
 * property: the scope filter is set with -RecipientRestrictionFilter and read back as
 * RecipientFilter; an assignment is made with -App and read back as RoleAssignee.
 */

type Scope = ExchangeState['managementScopes'][number];
type Assignment = ExchangeState['roleAssignments'][number];

/** Get-ManagementScope / New-ManagementScope (ManagementScope: RecipientFilter, RecipientRoot, ScopeRestrictionType, Exclusive). */
export function describeScope(scope: Pick<Scope, 'name' | 'recipientRestrictionFilter'>): Record<string, unknown> {
  return {
    Name: scope.name,
    Identity: scope.name,
    RecipientFilter: scope.recipientRestrictionFilter,
    RecipientRoot: null,
    ScopeRestrictionType: 'RecipientScope',
    Exclusive: false,
  };
}

/** Get-/New-ManagementRoleAssignment: the app is the RoleAssignee, of type ServicePrincipal. */
export function describeAssignment(assignment: Pick<Assignment, 'name' | 'app' | 'role' | 'customResourceScope'>): Record<string, unknown> {
  return {
    Name: assignment.name,
    Identity: assignment.name,
    Role: assignment.role,
    RoleAssignee: assignment.app,
    RoleAssigneeName: assignment.app,
    RoleAssigneeType: 'ServicePrincipal',
    CustomResourceScope: assignment.customResourceScope,
    CustomRecipientWriteScope: null,
    RecipientWriteScope: 'CustomRecipientScope',
    Enabled: true,
  };
}

/** Get-/Add-MailboxPermission: AccessRights is a list of rights. */
export function describeMailboxPermission(identity: string, user: string, accessRights: string): Record<string, unknown> {
  return { Identity: identity, User: user, AccessRights: [accessRights], IsInherited: false, Deny: false, InheritanceType: 'All' };
}

/** Get-/Add-RecipientPermission. */
export function describeRecipientPermission(identity: string, trustee: string, accessRights: string): Record<string, unknown> {
  return {
    Identity: identity,
    Trustee: trustee,
    AccessControlType: 'Allow',
    AccessRights: [accessRights],
    IsInherited: false,
    InheritanceType: 'None',
  };
}
