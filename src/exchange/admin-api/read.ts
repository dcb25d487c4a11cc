import type { ExchangeAdminApi } from './client.ts';

/**
 * The reads both directions of the Exchange step share, by the property names the Get- cmdlets
 * return (docs/exchange-powershell.md): `AppId`/`Identity` on service principals,
 * `AccessRights` on permissions, `CustomResourceScope` on role assignments, `RecipientFilter` on
 * management scopes.
 */

/** A value of an output object as text ('' for null/absent). */
export function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

function rights(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).map((right) => text(right).toLowerCase());
}

/** The Exchange service principal's Identity for an app, or undefined. */
export async function findServicePrincipal(api: ExchangeAdminApi, appId: string): Promise<string | undefined> {
  const all = await api.read({ cmdlet: 'Get-ServicePrincipal', parameters: {} });
  const sp = all.find((candidate) => text(candidate.AppId).toLowerCase() === appId.toLowerCase());
  return sp ? text(sp.Identity) || text(sp.ObjectId) : undefined;
}

export async function hasFullAccess(api: ExchangeAdminApi, mailbox: string, user: string): Promise<boolean> {
  const aces = await api.read({ cmdlet: 'Get-MailboxPermission', parameters: { Identity: mailbox, User: user } });
  return aces.some((ace) => rights(ace.AccessRights).includes('fullaccess'));
}

export async function hasSendAs(api: ExchangeAdminApi, identity: string, trustee: string): Promise<boolean> {
  const grants = await api.read({
    cmdlet: 'Get-RecipientPermission',
    parameters: { Identity: identity, Trustee: trustee, AccessRights: ['SendAs'] },
  });
  return grants.some((grant) => rights(grant.AccessRights).includes('sendas'));
}

/** The app's assignments of `role` on the named custom scope. */
export async function rbacAssignments(
  api: ExchangeAdminApi,
  principal: string,
  role: string,
  scopeName: string,
): Promise<Record<string, unknown>[]> {
  const assignments = await api.read({ cmdlet: 'Get-ManagementRoleAssignment', parameters: { RoleAssignee: principal, Role: role } });
  return assignments.filter((a) => text(a.CustomResourceScope).toLowerCase() === scopeName.toLowerCase());
}

/**
 * An OPATH filter compared as the script compares it: Exchange may add parentheses or change the
 * spacing when it hands the filter back as RecipientFilter, and case does not matter
 * (docs/exchange-powershell.md).
 */
export function normalizeFilter(filter: string): string {
  return filter.replace(/[\s()]/g, '').toLowerCase();
}
