import type { CmdletTable } from './cmdlet-table.ts';
import { badRequest } from './cmdlet-error.ts';
import { describeMailboxPermission, describeRecipientPermission } from './describe.ts';
import type { CmdletParameters } from './params.ts';
import { resolveMailbox, resolvePrincipal } from './resolve.ts';

/**
 * Mailbox FullAccess and recipient SendAs permissions (docs/exchange-powershell.md#mailbox-and-cas-cmdlets, docs/exchange-powershell.md#idempotency-check-then-create). Adding an
 * ACE that exists is a warning, not an error, exactly as Exchange answers it.
 */

function requireRight(params: CmdletParameters, right: 'FullAccess' | 'SendAs', mandatory: boolean): void {
  const rights = params.strings('AccessRights');
  if (rights === undefined && !mandatory) return;
  if (rights?.length !== 1 || rights[0]?.toLowerCase() !== right.toLowerCase()) {
    throw badRequest(`The sandbox supports only -AccessRights ${right} here.`);
  }
}

export const permissionCmdlets: CmdletTable = {
  'Get-MailboxPermission': {
    parameters: ['Identity', 'User'],
    run(ctx, params) {
      const exchange = ctx.state.exchange;
      const mailbox = resolveMailbox(exchange, params.string('Identity'));
      const userParam = params.optionalString('User');
      const user = userParam === undefined ? undefined : resolvePrincipal(exchange, userParam);
      const aces = exchange.mailboxPermissions.filter((p) => p.identity === mailbox.address && (user === undefined || p.user === user));
      return {
        value: aces.map((p) => describeMailboxPermission(p.identity, p.user, p.accessRights)),
      };
    },
  },
  'Add-MailboxPermission': {
    parameters: ['Identity', 'User', 'AccessRights', 'AutoMapping', 'Confirm'],
    run(ctx, params) {
      const exchange = ctx.state.exchange;
      const mailbox = resolveMailbox(exchange, params.string('Identity'));
      const user = resolvePrincipal(exchange, params.string('User'));
      requireRight(params, 'FullAccess', true);
      const row = describeMailboxPermission(mailbox.address, user, 'FullAccess');
      if (exchange.mailboxPermissions.some((p) => p.identity === mailbox.address && p.user === user)) {
        return {
          value: [row],
          warnings: [`The appropriate access control entry is already present on the object "${mailbox.address}" for account "${user}".`],
        };
      }
      exchange.mailboxPermissions.push({ identity: mailbox.address, user, accessRights: 'FullAccess' });
      return { value: [row], mutated: true };
    },
  },
  'Remove-MailboxPermission': {
    parameters: ['Identity', 'User', 'AccessRights', 'Confirm'],
    run(ctx, params) {
      const exchange = ctx.state.exchange;
      const mailbox = resolveMailbox(exchange, params.string('Identity'));
      const user = resolvePrincipal(exchange, params.string('User'));
      requireRight(params, 'FullAccess', true);
      const before = exchange.mailboxPermissions.length;
      exchange.mailboxPermissions = exchange.mailboxPermissions.filter((p) => !(p.identity === mailbox.address && p.user === user));
      if (exchange.mailboxPermissions.length === before) {
        return {
          value: [],
          warnings: [
            `Can't remove the access control entry on the object "${mailbox.address}" for account "${user}" because the ACE doesn't exist on the object.`,
          ],
        };
      }
      return { value: [], mutated: true };
    },
  },
  'Get-RecipientPermission': {
    parameters: ['Identity', 'Trustee', 'AccessRights'],
    run(ctx, params) {
      const exchange = ctx.state.exchange;
      const mailbox = resolveMailbox(exchange, params.string('Identity'));
      const trusteeParam = params.optionalString('Trustee');
      const trustee = trusteeParam === undefined ? undefined : resolvePrincipal(exchange, trusteeParam);
      requireRight(params, 'SendAs', false);
      const grants = exchange.recipientPermissions.filter(
        (p) => p.identity === mailbox.address && (trustee === undefined || p.trustee === trustee),
      );
      return { value: grants.map((p) => describeRecipientPermission(p.identity, p.trustee, p.accessRights)) };
    },
  },
  'Add-RecipientPermission': {
    parameters: ['Identity', 'Trustee', 'AccessRights', 'Confirm'],
    run(ctx, params) {
      const exchange = ctx.state.exchange;
      const mailbox = resolveMailbox(exchange, params.string('Identity'));
      const trustee = resolvePrincipal(exchange, params.string('Trustee'));
      requireRight(params, 'SendAs', true);
      const row = describeRecipientPermission(mailbox.address, trustee, 'SendAs');
      if (exchange.recipientPermissions.some((p) => p.identity === mailbox.address && p.trustee === trustee)) {
        return {
          value: [row],
          warnings: [
            `The appropriate access control entry is already present on the object "${mailbox.address}" for account "${trustee}".`,
          ],
        };
      }
      exchange.recipientPermissions.push({ identity: mailbox.address, trustee, accessRights: 'SendAs' });
      return { value: [row], mutated: true };
    },
  },
  'Remove-RecipientPermission': {
    parameters: ['Identity', 'Trustee', 'AccessRights', 'Confirm'],
    run(ctx, params) {
      const exchange = ctx.state.exchange;
      const mailbox = resolveMailbox(exchange, params.string('Identity'));
      const trustee = resolvePrincipal(exchange, params.string('Trustee'));
      requireRight(params, 'SendAs', true);
      const before = exchange.recipientPermissions.length;
      exchange.recipientPermissions = exchange.recipientPermissions.filter(
        (p) => !(p.identity === mailbox.address && p.trustee === trustee),
      );
      return exchange.recipientPermissions.length === before
        ? { value: [], warnings: [`No SendAs permission for "${trustee}" on "${mailbox.address}".`] }
        : { value: [], mutated: true };
    },
  },
  'Get-Mailbox': {
    parameters: ['Identity'],
    run(ctx, params) {
      const mailbox = resolveMailbox(ctx.state.exchange, params.string('Identity'));
      return {
        value: [
          {
            Identity: mailbox.address,
            DisplayName: mailbox.displayName,
            PrimarySmtpAddress: mailbox.address,
            RecipientTypeDetails: mailbox.shared ? 'SharedMailbox' : 'UserMailbox',
            SKUAssigned: mailbox.licensed,
          },
        ],
      };
    },
  },
  'Get-CASMailbox': {
    parameters: ['Identity'],
    run(ctx, params) {
      const mailbox = resolveMailbox(ctx.state.exchange, params.string('Identity'));
      return {
        value: [
          {
            Identity: mailbox.address,
            PrimarySmtpAddress: mailbox.address,
            SmtpClientAuthenticationDisabled: mailbox.smtpClientAuthenticationDisabled,
          },
        ],
      };
    },
  },
  'Set-CASMailbox': {
    parameters: ['Identity', 'SmtpClientAuthenticationDisabled', 'Confirm'],
    run(ctx, params) {
      const mailbox = resolveMailbox(ctx.state.exchange, params.string('Identity'));
      const disabled = params.nullableBoolean('SmtpClientAuthenticationDisabled');
      if (disabled === undefined || disabled === mailbox.smtpClientAuthenticationDisabled) return { value: [] };
      mailbox.smtpClientAuthenticationDisabled = disabled;
      return { value: [], mutated: true };
    },
  },
  'Get-TransportConfig': {
    parameters: [],
    run(ctx) {
      return {
        value: [{ Identity: 'Transport Settings', SmtpClientAuthenticationDisabled: ctx.state.exchange.smtpClientAuthenticationDisabled }],
      };
    },
  },
};
