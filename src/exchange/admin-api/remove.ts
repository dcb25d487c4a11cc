import { UsageError } from '../../core/errors.ts';
import { MODELS } from '../../core/models.ts';
import type { ExchangeScriptResult } from '../result.ts';
import { defaultScopeName } from '../scope-filter.ts';
import type { ExchangeScriptInput } from '../script-input.ts';
import { assertGuid, uniqueAddresses } from '../script-input.ts';
import type { ExchangeAdminApi } from './client.ts';
import { type Change, removeIfPresent } from './converge.ts';
import { findServicePrincipal, hasFullAccess, hasSendAs, rbacAssignments, text } from './read.ts';

/**
 * The removal script's counterpart (src/exchange/removal-script.ts) through InvokeCommand: role
 * assignment, scope, mailbox and recipient permissions, then the Exchange service principal —
 * each read first, so a second run reports `none`. SMTP AUTH is left as it is.
 */
export async function removeExchangeViaApi(input: ExchangeScriptInput, api: ExchangeAdminApi): Promise<ExchangeScriptResult> {
  const model = MODELS[input.model].exchange;
  if (!model.servicePrincipal && !model.smtpAuth) {
    throw new UsageError(`model '${input.model}' has no Exchange objects to remove`, { flag: '--model', step: 'exchange' });
  }
  assertGuid(input.appId, '--app-id', 'the application (client) id');
  const changes: Change[] = [];
  const identity = await findServicePrincipal(api, input.appId);

  if (model.rbacRole) {
    const role = model.rbacRole;
    const scopeName = defaultScopeName(input.appId);
    const assignments = identity === undefined ? [] : await rbacAssignments(api, identity, role, scopeName);
    if (assignments.length === 0) changes.push({ object: `role-assignment ${role}`, action: 'none' });
    for (const assignment of assignments) {
      const name = text(assignment.Identity) || text(assignment.Name);
      changes.push(
        await removeIfPresent(api, {
          object: `role-assignment ${name}`,
          observe: async () =>
            (await rbacAssignments(api, identity as string, role, scopeName)).some((a) => (text(a.Identity) || text(a.Name)) === name),
          remove: () => ({ cmdlet: 'Remove-ManagementRoleAssignment', parameters: { Identity: name, Confirm: false } }),
        }),
      );
    }
    changes.push(
      await removeIfPresent(api, {
        object: `management-scope ${scopeName}`,
        observe: async () => (await api.read({ cmdlet: 'Get-ManagementScope', parameters: { Identity: scopeName } })).length > 0,
        remove: () => ({ cmdlet: 'Remove-ManagementScope', parameters: { Identity: scopeName, Confirm: false } }),
      }),
    );
  }
  if (model.fullAccess) {
    for (const mailbox of uniqueAddresses(input.mailboxes)) {
      changes.push(
        await removeIfPresent(api, {
          object: `FullAccess ${mailbox}`,
          observe: async () => identity !== undefined && (await hasFullAccess(api, mailbox, identity)),
          remove: () => ({
            cmdlet: 'Remove-MailboxPermission',
            parameters: { Identity: mailbox, User: identity, AccessRights: ['FullAccess'], Confirm: false },
          }),
        }),
      );
    }
  }
  const trustee = input.sendAs?.trustee ?? identity;
  for (const address of uniqueAddresses(input.sendAs?.identities ?? [])) {
    changes.push(
      await removeIfPresent(api, {
        object: `SendAs ${address}`,
        observe: async () => trustee !== undefined && (await hasSendAs(api, address, trustee)),
        remove: () => ({
          cmdlet: 'Remove-RecipientPermission',
          parameters: { Identity: address, Trustee: trustee, AccessRights: ['SendAs'], Confirm: false },
        }),
      }),
    );
  }
  if (model.servicePrincipal) {
    changes.push(
      await removeIfPresent(api, {
        object: `service-principal ${input.appId}`,
        observe: async () => (await findServicePrincipal(api, input.appId)) !== undefined,
        remove: () => ({ cmdlet: 'Remove-ServicePrincipal', parameters: { Identity: identity, Confirm: false } }),
      }),
    );
  }
  return { status: 'applied', changes, warnings: [] };
}
