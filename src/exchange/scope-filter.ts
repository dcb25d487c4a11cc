import { quoteOpathValue } from './quote.ts';

/**
 * The OPATH `-RecipientRestrictionFilter` of the app's management scope
 * (docs/sending-models.md#graph-with-rbac-for-applications-graph-rbac): exactly the given mailboxes. This is a string inside a string:
 * each value is an OPATH literal here (apostrophes doubled once), and the whole filter becomes a
 * PowerShell literal later (every single-quote character doubled again).
 */
export function buildScopeFilter(mailboxes: readonly string[]): string {
  return mailboxes.map((mailbox) => `PrimarySmtpAddress -eq ${quoteOpathValue(mailbox, '--mailbox')}`).join(' -or ');
}

/** Default scope name: one scope per app, found again by this natural key on every run. */
export function defaultScopeName(appId: string): string {
  return `entra-mail-${appId.toLowerCase()}`;
}

/**
 * Role assignment name: unique per app and role, within Exchange's 64-character limit
 * ("entra-mail-" + GUID + "-" + role value ≤ 62).
 */
export function roleAssignmentName(appId: string, role: 'Application SMTP.SendAsApp' | 'Application Mail.Send'): string {
  return `entra-mail-${appId.toLowerCase()}-${role.replace(/^Application /, '')}`;
}
