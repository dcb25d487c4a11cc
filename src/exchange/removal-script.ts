import { UsageError } from '../core/errors.ts';
import { MODELS } from '../core/models.ts';
import { quotePowerShellArray, quotePowerShellLiteral } from './quote.ts';
import { defaultScopeName } from './scope-filter.ts';
import type { ExchangeScriptInput } from './script-input.ts';
import { assertGuid, uniqueAddresses } from './script-input.ts';
import { renderConnect, renderHeader, renderResult } from './script-parts.ts';
import { renderFragment } from './fragments.ts';

/**
 * The deprovision counterpart of renderExchangeScript: removes the role assignment, the scope, the
 * mailbox and recipient permissions and the Exchange service principal, in that order (each refers
 * to the next), each looked up first so a second run reports `none`. SMTP AUTH is left as it is:
 * other senders may rely on it (a warning says so). Same quoting and result line.
 */
export function renderExchangeRemovalScript(input: ExchangeScriptInput): string {
  const model = MODELS[input.model].exchange;
  if (!model.servicePrincipal && !model.smtpAuth) {
    throw new UsageError(`model '${input.model}' has no Exchange objects to remove`, { flag: '--model', step: 'exchange' });
  }
  assertGuid(input.appId, '--app-id', 'the application (client) id');
  const mailboxes = uniqueAddresses(input.mailboxes);
  const sendAs = uniqueAddresses(input.sendAs?.identities ?? []);
  const steps: string[] = [];
  const parts: string[] = [renderConnect(input, steps)];

  steps.push("Looks up the app's service principal in Exchange Online by AppId.");
  parts.push(renderFragment('remove-lookup', { appId: quotePowerShellLiteral(input.appId, '--app-id') }));
  if (model.rbacRole) {
    steps.push(`Removes the app's '${model.rbacRole}' role assignment and then its management scope $ScopeName.`);
    parts.push(
      renderFragment('remove-role-assignment', {
        roleName: quotePowerShellLiteral(model.rbacRole, '--model'),
        scopeName: quotePowerShellLiteral(defaultScopeName(input.appId), '--app-id'),
      }),
      renderFragment('remove-management-scope'),
    );
  }
  if (model.fullAccess && mailboxes.length > 0) {
    steps.push('Removes the FullAccess permissions on the mailboxes in $Mailboxes.');
    parts.push(renderFragment('remove-mailbox-permission', { mailboxes: quotePowerShellArray(mailboxes, '--mailbox') }));
  }
  if (sendAs.length > 0) {
    steps.push('Removes the SendAs permissions on the addresses in $SendAsIdentities.');
    const trustee = input.sendAs?.trustee;
    parts.push(
      renderFragment('remove-recipient-permission', {
        sendAsIdentities: quotePowerShellArray(sendAs, '--send-as'),
        sendAsTrustee: trustee === undefined ? '$null' : quotePowerShellLiteral(trustee, '--send-as-trustee'),
      }),
    );
  }
  if (model.servicePrincipal) {
    steps.push('Removes the service principal from Exchange Online (the Entra app is removed through Graph).');
    parts.push(renderFragment('remove-service-principal'));
  }
  steps.push('Leaves SMTP AUTH on the mailboxes as it is: other senders may rely on it.');
  steps.push(
    'Knows only the grants entra-mail recorded on the app or was given: FullAccess or SendAs granted any other way stays (check Get-MailboxPermission and Get-RecipientPermission).',
  );
  parts.push(renderResult(steps));
  return renderHeader(input, 'Exchange Online removal', steps) + parts.join('');
}
