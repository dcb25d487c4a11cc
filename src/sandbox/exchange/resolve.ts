import type { ExchangeMailbox, ExchangeState } from '../state.ts';
import { objectNotFound } from './cmdlet-error.ts';

/** Identity resolution as Exchange does it: any unique identifier of the object, case-insensitive. */

export type ExchangeServicePrincipal = ExchangeState['servicePrincipals'][number];

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The mailbox by primary address or display name; 404 when there is none. */
export function resolveMailbox(exchange: ExchangeState, identity: string): ExchangeMailbox {
  const mailbox =
    exchange.mailboxes.find((m) => same(m.address, identity)) ?? exchange.mailboxes.find((m) => same(m.displayName, identity));
  if (!mailbox) throw objectNotFound(identity);
  return mailbox;
}

/** The Exchange service principal by Identity, ObjectId, AppId or DisplayName; undefined when none. */
export function findServicePrincipal(exchange: ExchangeState, identity: string): ExchangeServicePrincipal | undefined {
  return exchange.servicePrincipals.find(
    (sp) => same(sp.identity, identity) || same(sp.objectId, identity) || same(sp.appId, identity) || same(sp.displayName, identity),
  );
}

/** Like findServicePrincipal, but 404 when there is none. */
export function resolveServicePrincipal(exchange: ExchangeState, identity: string): ExchangeServicePrincipal {
  const sp = findServicePrincipal(exchange, identity);
  if (!sp) throw objectNotFound(identity);
  return sp;
}

/**
 * A security principal for -User / -Trustee: an Exchange service principal (→ its Identity) or a
 * mailbox user (→ its address). 404 when neither.
 */
export function resolvePrincipal(exchange: ExchangeState, identity: string): string {
  const sp = findServicePrincipal(exchange, identity);
  if (sp) return sp.identity;
  return resolveMailbox(exchange, identity).address;
}

/** The Get-ServicePrincipal view of one service principal (docs/exchange-powershell.md#get-serviceprincipal). */
export function describeServicePrincipal(sp: ExchangeServicePrincipal): Record<string, unknown> {
  return { Identity: sp.identity, Id: sp.identity, Name: sp.objectId, DisplayName: sp.displayName, AppId: sp.appId, ObjectId: sp.objectId };
}
