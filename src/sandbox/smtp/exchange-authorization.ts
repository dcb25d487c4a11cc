import { CLOUDS } from '../../core/cloud.ts';
import { EXCHANGE_APP_ID, GRAPH_APP_ID } from '../../core/well-known.ts';
import type { SandboxTokenClaims } from '../context.ts';
import type { ExchangeMailbox, ExchangeState } from '../state.ts';
import { isMailboxInScope } from '../exchange/opath.ts';

/**
 * How Exchange Online decides whether an app may act on a mailbox, shared by the sandbox's SMTP
 * submission and Graph sendMail (docs/sending-models.md#graph-mailsend-graph, docs/sending-models.md#graph-with-rbac-for-applications-graph-rbac, docs/diagnostics.md).
 */

/** `aud` values of an Exchange token: the resource URI of any cloud, or the Exchange app id (docs/token-endpoint.md#claims-the-tool-looks-at). */
export const EXCHANGE_AUDIENCES: readonly string[] = [
  EXCHANGE_APP_ID,
  ...Object.values(CLOUDS).map((c) => c.exchangeResource),
  // Delegated Outlook scopes are written against outlook.office.com (docs/national-clouds.md).
  'https://outlook.office.com',
];

/** `aud` values of a Graph token. */
export const GRAPH_AUDIENCES: readonly string[] = [GRAPH_APP_ID, ...Object.values(CLOUDS).map((c) => c.graphEndpoint)];

export type ExchangeServicePrincipal = ExchangeState['servicePrincipals'][number];

/** An RBAC-for-applications grant for one mailbox: effective, still in the cache window, or absent. */
export type RbacGrant = { status: 'effective' } | { status: 'propagating'; effectiveAt: number } | { status: 'missing' };

export function findMailbox(exchange: ExchangeState, address: string): ExchangeMailbox | undefined {
  const wanted = address.toLowerCase();
  return exchange.mailboxes.find((m) => m.address.toLowerCase() === wanted);
}

/**
 * The Exchange service principal the token's app maps to: `New-ServicePrincipal -AppId -ObjectId`
 * must name the app id AND the enterprise-app object id (`oid` claim); the app registration's
 * object id there is the classic mistake (docs/exchange-powershell.md#new-serviceprincipal-and-which-objectid, docs/diagnostics.md).
 */
export function findExchangeServicePrincipal(exchange: ExchangeState, claims: SandboxTokenClaims): ExchangeServicePrincipal | undefined {
  const appId = claims.appid ?? claims.azp;
  return exchange.servicePrincipals.find((sp) => sp.appId === appId && sp.objectId === claims.oid);
}

/** Every value an admin may have passed as `-User`/`-Trustee`/`-App` for this SP (docs/exchange-powershell.md#get-serviceprincipal: all resolve). */
export function principalNames(sp: ExchangeServicePrincipal): string[] {
  return [sp.identity, sp.objectId, sp.appId, sp.displayName].map((v) => v.toLowerCase());
}

export function hasFullAccess(exchange: ExchangeState, sp: ExchangeServicePrincipal, mailbox: string): boolean {
  const names = principalNames(sp);
  return exchange.mailboxPermissions.some(
    (p) => p.identity.toLowerCase() === mailbox.toLowerCase() && p.accessRights === 'FullAccess' && names.includes(p.user.toLowerCase()),
  );
}

/**
 * SendAs on `from` for any of `trustees`. Who the trustee must be with client credentials is an
 * open question (docs/exchange-powershell.md#mailbox-and-cas-cmdlets): the sandbox accepts the SP or the authenticated mailbox.
 */
export function hasSendAs(exchange: ExchangeState, trustees: string[], from: string): boolean {
  const names = trustees.map((t) => t.toLowerCase());
  return exchange.recipientPermissions.some(
    (p) => p.identity.toLowerCase() === from.toLowerCase() && p.accessRights === 'SendAs' && names.includes(p.trustee.toLowerCase()),
  );
}

/**
 * An `Application <role>` assignment for the SP whose custom resource scope selects the mailbox.
 * Assignments sit behind a 30 min–2 h cache (docs/sending-models.md#graph-with-rbac-for-applications-graph-rbac): effective from createdAt + rbacPropagationMs.
 */
export function findRbacGrant(
  exchange: ExchangeState,
  sp: ExchangeServicePrincipal,
  role: string,
  mailbox: string,
  nowMs: number,
): RbacGrant {
  const names = principalNames(sp);
  let earliest: number | undefined;
  for (const assignment of exchange.roleAssignments) {
    if (assignment.role.toLowerCase() !== role.toLowerCase() || !names.includes(assignment.app.toLowerCase())) continue;
    const scope = exchange.managementScopes.find((s) => s.name.toLowerCase() === assignment.customResourceScope.toLowerCase());
    if (!scope || !isMailboxInScope(scope.recipientRestrictionFilter, mailbox)) continue;
    const effectiveAt = assignment.createdAt + exchange.rbacPropagationMs;
    earliest = earliest === undefined ? effectiveAt : Math.min(earliest, effectiveAt);
  }
  if (earliest === undefined) return { status: 'missing' };
  return nowMs >= earliest ? { status: 'effective' } : { status: 'propagating', effectiveAt: earliest };
}

/** SMTP AUTH for a mailbox: its own `Set-CASMailbox` value wins, else the organization's (docs/exchange-powershell.md#mailbox-and-cas-cmdlets). */
export function smtpAuthSetting(exchange: ExchangeState, mailbox: ExchangeMailbox): { disabled: boolean; decidedBy: 'Mailbox' | 'Tenant' } {
  if (mailbox.smtpClientAuthenticationDisabled !== null)
    return { disabled: mailbox.smtpClientAuthenticationDisabled, decidedBy: 'Mailbox' };
  return { disabled: exchange.smtpClientAuthenticationDisabled, decidedBy: 'Tenant' };
}
