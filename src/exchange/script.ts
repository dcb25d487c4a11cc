import { MODELS } from '../core/models.ts';
import { assertNoControlCharacters, quotePowerShellArray, quotePowerShellLiteral } from './quote.ts';
import { buildScopeFilter, defaultScopeName, roleAssignmentName } from './scope-filter.ts';
import type { ExchangeScriptInput } from './script-input.ts';
import { uniqueAddresses, validateExchangeScriptInput } from './script-input.ts';
import { renderConnect, renderHeader, renderResult } from './script-parts.ts';
import { renderFragment } from './fragments.ts';

export type { ExchangeConnectOptions, ExchangeScriptInput } from './script-input.ts';
export { renderExchangeRemovalScript } from './removal-script.ts';
export type { ExchangeScriptResult } from './result.ts';
export { parseExchangeResult } from './result.ts';

/**
 * The Exchange Online PowerShell for one app and model (README.md#authorization-models---model;
 * docs/exchange-powershell.md, docs/sending-models.md#graph-with-rbac-for-applications-graph-rbac). Pure and deterministic: the same input gives the same bytes, so
 * the script `--dry-run` prints is the script that runs. Throws UsageError (exit 2) on bad input.
 */
export function renderExchangeScript(input: ExchangeScriptInput): string {
  validateExchangeScriptInput(input);
  const model = MODELS[input.model].exchange;
  const mailboxes = uniqueAddresses(input.mailboxes);
  const sendAs = uniqueAddresses(input.sendAs?.identities ?? []);
  const smtpAuth = input.enableSmtpAuth && model.smtpAuth ? mailboxes : [];
  const scopeName = defaultScopeName(input.appId);
  const steps: string[] = [];
  const parts: string[] = [];

  parts.push(renderFragment('plan-only', { planOnly: input.planOnly ? '$true' : '$false' }));
  parts.push(renderConnect(input, steps));
  if (model.fullAccess || model.rbacRole) {
    steps.push(`Checks that each of the ${count(mailboxes, 'mailbox')} exists and, if a user mailbox, is licensed (Get-Mailbox).`);
    parts.push(renderFragment('mailbox-check', { mailboxes: quotePowerShellArray(mailboxes, '--mailbox') }));
  }
  if (model.servicePrincipal) {
    steps.push('Registers the app in Exchange Online (New-ServicePrincipal), waiting while Exchange does not see it yet.');
    parts.push(
      renderFragment('service-principal', {
        appId: quotePowerShellLiteral(input.appId, '--app-id'),
        servicePrincipalId: quotePowerShellLiteral(input.servicePrincipalId, '--service-principal-id'),
        displayName: quotePowerShellLiteral(input.displayName, '--name'),
      }),
    );
  }
  if (model.fullAccess) {
    steps.push(`Grants the app FullAccess on ${count(mailboxes, 'mailbox')} in $Mailboxes (Add-MailboxPermission).`);
    parts.push(renderFragment('mailbox-permission', { mailboxes: quotePowerShellArray(mailboxes, '--mailbox') }));
  }
  if (model.rbacRole) {
    const scopeFilter = buildScopeFilter(mailboxes);
    steps.push(`Creates the management scope $ScopeName for ${count(mailboxes, 'mailbox')} (New-ManagementScope).`);
    steps.push(`Assigns the role '${model.rbacRole}' to the app on that scope (New-ManagementRoleAssignment) and tests it.`);
    parts.push(
      renderFragment('management-scope', {
        scopeName: quotePowerShellLiteral(scopeName, '--app-id'),
        scopeFilter: quotePowerShellLiteral(scopeFilter, '--mailbox'),
      }),
      renderFragment('role-assignment', {
        roleName: quotePowerShellLiteral(model.rbacRole, '--model'),
        assignmentName: quotePowerShellLiteral(roleAssignmentName(input.appId, model.rbacRole), '--app-id'),
        testMailboxes: quotePowerShellArray(mailboxes, '--mailbox'),
      }),
    );
  }
  if (sendAs.length > 0) {
    steps.push(`Grants SendAs on ${count(sendAs, 'address', 'addresses')} in $SendAsIdentities (Add-RecipientPermission).`);
    parts.push(renderFragment('recipient-permission', sendAsValues(sendAs, input.sendAs?.trustee)));
  }
  if (smtpAuth.length > 0) {
    steps.push(`Turns SMTP AUTH on for ${count(smtpAuth, 'mailbox')} in $SmtpAuthMailboxes (Set-CASMailbox).`);
    parts.push(renderFragment('smtp-auth', { smtpAuthMailboxes: quotePowerShellArray(smtpAuth, '--mailbox') }));
  }
  parts.push(renderResult(steps));
  return renderHeader(input, 'Exchange Online step', steps) + parts.join('');
}

/** Slots of the SendAs fragment: the trustee defaults to the service principal (`$null` here). */
export function sendAsValues(identities: readonly string[], trustee: string | undefined): Record<string, string> {
  if (trustee !== undefined) assertNoControlCharacters(trustee, '--send-as-trustee');
  return {
    sendAsIdentities: quotePowerShellArray(identities, '--send-as'),
    sendAsTrustee: trustee === undefined ? '$null' : quotePowerShellLiteral(trustee, '--send-as-trustee'),
  };
}

function count(values: readonly string[], singular: string, plural = `${singular}es`): string {
  return `${values.length} ${values.length === 1 ? singular : plural}`;
}
