import type { MailFailure } from './types.ts';

/** The test message verify sends. */
export interface TestMessage {
  mailbox: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

type Variant<T> = T extends unknown ? Omit<T, 'context'> : never;

/** A send either went through or failed in a way `diagnose` understands. */
export type SendOutcome = { ok: true; detail: string } | { ok: false; failure: Variant<MailFailure> };
