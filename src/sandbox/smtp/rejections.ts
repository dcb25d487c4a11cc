import type { SandboxContext } from '../context.ts';

/**
 * Why the sandbox refused a submission. The reply on the wire is exactly Exchange Online's (the
 * client must diagnose on its own, docs/diagnostics.md); the reason is kept here so tests and
 * the sandbox's own listing can show what was really wrong.
 */
export type MailRejectionReason =
  | 'basic-auth'
  | 'token-invalid'
  | 'token-audience'
  | 'token-tenant'
  | 'mailbox-unknown'
  | 'mailbox-unlicensed'
  | 'smtp-auth-disabled-mailbox'
  | 'smtp-auth-disabled-tenant'
  | 'service-principal-missing'
  | 'full-access-missing'
  | 'rbac-assignment-missing'
  | 'rbac-propagating'
  | 'no-permissions'
  | 'mail-send-missing'
  | 'bad-request'
  | 'send-as-denied';

export interface MailRejection {
  at: string;
  via: 'smtp' | 'graph';
  reason: MailRejectionReason;
  /** The mailbox asked for (`user=` or `/users/{id}`). */
  mailbox: string;
  /** The app (appid claim), when the token was readable. */
  appId?: string;
  /** The reply the client saw: SMTP line or Graph error code. */
  reply: string;
}

// Keyed by context so two sandboxes in one process never share a log; no token is ever stored.
const logs = new WeakMap<SandboxContext, MailRejection[]>();

/** Remember a refusal (newest last). */
export function recordMailRejection(ctx: SandboxContext, rejection: Omit<MailRejection, 'at'>): void {
  const log = logs.get(ctx) ?? [];
  log.push({ at: ctx.clock.now().toISOString(), ...rejection });
  logs.set(ctx, log);
}

/** The refusals so far, oldest first. */
export function listMailRejections(ctx: SandboxContext): readonly MailRejection[] {
  return logs.get(ctx) ?? [];
}
