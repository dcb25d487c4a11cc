import type { ModelName } from './models.ts';

/** The tool's tag on every app it manages, and the prefix of every credential it mints. */
export const MANAGED_TAG = 'entra-mail:managed';
export const MARKER_PREFIX = 'entra-mail:';

export function modelTag(model: ModelName): string {
  return `entra-mail:model:${model}`;
}

export function profileTag(profile: string): string {
  return `entra-mail:profile:${profile}`;
}

/**
 * What the Exchange step grants, recorded on the app so removal knows it without being told again:
 * FullAccess on each sending mailbox, SendAs on each address. Tags are the app's own metadata
 * (docs/graph-applications.md); each is `entra-mail:exchange:<kind>:<address>`.
 */
const GRANT_PREFIX = { mailbox: 'entra-mail:exchange:mailbox:', sendAs: 'entra-mail:exchange:send-as:' } as const;

export interface ExchangeGrants {
  /** Mailboxes the app got FullAccess on. */
  mailboxes: string[];
  /** Addresses the app got SendAs on. */
  sendAs: string[];
}

export function exchangeGrantTags(grants: ExchangeGrants): string[] {
  return [
    ...grants.mailboxes.map((m) => GRANT_PREFIX.mailbox + m.toLowerCase()),
    ...grants.sendAs.map((a) => GRANT_PREFIX.sendAs + a.toLowerCase()),
  ];
}

/** The grants recorded in an app's tags. */
export function recordedExchangeGrants(tags: readonly string[]): ExchangeGrants {
  const pick = (prefix: string) => tags.filter((t) => t.startsWith(prefix)).map((t) => t.slice(prefix.length));
  return { mailboxes: pick(GRANT_PREFIX.mailbox), sendAs: pick(GRANT_PREFIX.sendAs) };
}

/** Both lists, each without duplicates (addresses compare case-insensitively). */
export function mergeExchangeGrants(a: ExchangeGrants, b: ExchangeGrants): ExchangeGrants {
  const unique = (values: string[]) => [...new Map(values.map((v) => [v.toLowerCase(), v])).values()];
  return { mailboxes: unique([...a.mailboxes, ...b.mailboxes]), sendAs: unique([...a.sendAs, ...b.sendAs]) };
}
