import { type ExchangeGrants, mergeExchangeGrants, recordedExchangeGrants } from '../../core/tags.ts';

/**
 * The mailboxes and SendAs addresses an Exchange script works on for an existing app: what provision
 * recorded on the app (src/core/tags.ts) and what the command line names. A removal takes both;
 * a (re)apply takes the command line's when given, else the recorded ones.
 */
export function exchangeGrantsFor(tags: readonly string[], given: ExchangeGrants, purpose: 'apply' | 'removal'): ExchangeGrants {
  const recorded = recordedExchangeGrants(tags);
  if (purpose === 'removal') return mergeExchangeGrants(recorded, given);
  return {
    mailboxes: given.mailboxes.length > 0 ? given.mailboxes : recorded.mailboxes,
    sendAs: given.sendAs.length > 0 ? given.sendAs : recorded.sendAs,
  };
}

/** What a removal cannot know, said in its output (the script's header says it too). */
export function describeRemovalScope(grants: ExchangeGrants): string {
  const named = [
    grants.mailboxes.length > 0 ? `mailboxes ${grants.mailboxes.join(', ')}` : '',
    grants.sendAs.length > 0 ? `Send As on ${grants.sendAs.join(', ')}` : '',
  ].filter(Boolean);
  return (
    `The Exchange removal covers the app's service principal, its scope and role assignment, ${named.length > 0 ? named.join(' and ') : 'and no mailbox'} (recorded on the app by provision, or named here). ` +
    'Grants made outside entra-mail, or by a version that did not record them, are not known and stay: check Get-MailboxPermission and Get-RecipientPermission for the app. SMTP AUTH settings stay as they are.'
  );
}
