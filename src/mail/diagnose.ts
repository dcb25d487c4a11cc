import { ExitCode } from '../core/errors.ts';
import { fixCommands } from './fix-commands.ts';
import type { ModelName } from '../core/models.ts';
import { diagnoseExchangeRefusal } from './diagnose-exchange.ts';
import { diagnoseTokenFailure } from './diagnose-token.ts';
import type { Diagnosis, MailFailure } from './types.ts';
import { escapeSingleQuotes } from '../exchange/quote.ts';

/**
 * Every failure `verify` can meet, explained: the cause, the command that fixes it, and whether it
 * is only "not yet" (docs/smtp-oauth.md#replies-and-their-causes, docs/diagnostics.md#graph-sendmail, docs/diagnostics.md#propagation, docs/token-endpoint.md#aadsts-codes). Pure: the same failure always
 * gets the same answer, decided from codes, never from our own secrets.
 */
export function diagnose(failure: MailFailure, model: ModelName): Diagnosis {
  const { context } = failure;
  const { mailbox } = context;
  const casMailbox = `Set-CASMailbox -Identity '${escapeSingleQuotes(mailbox)}' -SmtpClientAuthenticationDisabled $false`;
  const row = (cause: string, explanation: string, fix: string, exitCode: ExitCode = ExitCode.permission): Diagnosis => ({
    cause,
    explanation,
    fix,
    pending: false,
    exitCode,
  });
  const verify = fixCommands(context, model).verify;

  switch (failure.kind) {
    case 'token':
      return diagnoseTokenFailure(failure.aadsts, model, context);
    case 'network':
      return row(
        `${failure.transport}-unreachable`,
        `Could not reach the ${failure.transport === 'token' ? 'token endpoint' : failure.transport === 'smtp' ? 'SMTP submission host' : 'Graph endpoint'}${failure.code ? ` (${failure.code})` : ''}.`,
        failure.transport === 'smtp'
          ? 'Check --smtp-host and that outbound port 587 is open, then retry.'
          : 'Check --cloud / --authority-host / --graph-endpoint and the network, then retry.',
        ExitCode.service,
      );
    case 'claims':
      return diagnoseClaims(failure, model);
    case 'graph':
      return diagnoseGraph(failure, model);
    case 'smtp':
      break;
  }

  const reply = failure.responseCode ? `${failure.responseCode} ${failure.response.replace(/^\d{3}[ -]/, '')}` : failure.response;
  if (/5\.7\.139/.test(reply) && /SmtpClientAuthentication is disabled for the Mailbox/i.test(reply)) {
    return row('smtp-auth-disabled-mailbox', `${reply} — SMTP AUTH is turned off for ${mailbox}.`, casMailbox);
  }
  if (/5\.7\.139/.test(reply) && /SmtpClientAuthentication is disabled for the Tenant/i.test(reply)) {
    return row(
      'smtp-auth-disabled-tenant',
      `${reply} — SMTP AUTH is off for the organization (the default since 2020) and ${mailbox} does not override it. Enable it for this mailbox only.`,
      casMailbox,
    );
  }
  if (/5\.7\.139/.test(reply) && /basic authentication is disabled/i.test(reply)) {
    return row(
      'basic-auth',
      `${reply} — the client used AUTH LOGIN/PLAIN instead of XOAUTH2.`,
      "Configure the product for OAuth2 (nodemailer: auth.type 'OAuth2').",
      ExitCode.bug,
    );
  }
  if (/5\.7\.139/.test(reply))
    return row(
      'blocked-by-policy',
      `${reply} — a Conditional Access policy, security defaults or an authentication policy blocked the sign-in.`,
      'Check the Entra sign-in logs for the app.',
    );
  if (/5\.2\.252|SendAsDenied|5\.7\.60/i.test(reply)) return diagnoseSendAs(reply, context.from ?? '', mailbox, verify);
  if (/5\.7\.3\b/.test(reply) || failure.responseCode === 535) return diagnoseExchangeRefusal(model, context, reply);
  if (/5\.7\.57/.test(reply))
    return row(
      'not-authenticated',
      `${reply} — the message was sent before AUTH succeeded.`,
      'Authenticate with XOAUTH2 before MAIL FROM.',
      ExitCode.bug,
    );
  if (/5\.7\.30/.test(reply))
    return row(
      'basic-auth-retired',
      `${reply} — basic authentication is retired for this tenant.`,
      "Use OAuth2 (auth.type 'OAuth2').",
      ExitCode.bug,
    );
  if (failure.responseCode !== undefined && failure.responseCode >= 400 && failure.responseCode < 500) {
    return row(
      'smtp-transient',
      `${reply} — a temporary Exchange condition (throttling, concurrency limit or service error).`,
      `Retry in a few minutes: ${verify}`,
      ExitCode.service,
    );
  }
  return row(
    'smtp-refused',
    `${reply} — Exchange refused the message.`,
    `Retry; if it persists, check the message trace for ${mailbox}.`,
    ExitCode.service,
  );
}

function diagnoseSendAs(reply: string, from: string, mailbox: string, verify: string): Diagnosis {
  return {
    cause: 'send-as-denied',
    explanation: `${reply} — ${mailbox} may not send as ${from || 'that address'} without a SendAs permission.`,
    fix: `Add-RecipientPermission -Identity '${escapeSingleQuotes(from)}' -Trustee '${escapeSingleQuotes(mailbox)}' -AccessRights SendAs -Confirm:$false; or send from ${mailbox}: ${verify}`,
    pending: false,
    exitCode: ExitCode.permission,
  };
}

function diagnoseClaims(failure: Extract<MailFailure, { kind: 'claims' }>, model: ModelName): Diagnosis {
  const provision = fixCommands(failure.context, model).provision;
  const make = (cause: string, fix: string, exitCode: ExitCode): Diagnosis => ({
    cause,
    explanation: failure.detail,
    fix,
    pending: false,
    exitCode,
  });
  switch (failure.problem) {
    case 'audience':
      return make(
        'token-audience',
        'Check --cloud (the token scope is derived from its Exchange resource / Graph endpoint).',
        ExitCode.auth,
      );
    case 'tenant':
      return make('token-tenant', 'Pass the tenant the app lives in with --tenant.', ExitCode.auth);
    case 'roles-missing':
      return make('roles-missing', `Grant and consent the permission: ${provision}`, ExitCode.permission);
    case 'unexpected-role':
      return make(
        'unexpected-role',
        `Remove the Entra permission and its consent; the model needs none: ${provision}`,
        ExitCode.permission,
      );
  }
}

function diagnoseGraph(failure: Extract<MailFailure, { kind: 'graph' }>, model: ModelName): Diagnosis {
  const { context } = failure;
  const reply = `${failure.status} ${failure.code}${failure.requestId ? ` (request-id ${failure.requestId})` : ''}`;
  const provision = fixCommands(context, model).provision;
  const row = (cause: string, explanation: string, fix: string, exitCode: ExitCode = ExitCode.permission): Diagnosis => ({
    cause,
    explanation: `${reply}: ${explanation}`,
    fix,
    pending: false,
    exitCode,
  });
  switch (failure.code) {
    case 'MailboxNotEnabledForRESTAPI':
      return row(
        'mailbox-unlicensed',
        `${context.mailbox} is not an Exchange Online mailbox (unlicensed, on-premises or deleted).`,
        `Assign an Exchange Online licence to ${context.mailbox}, or use a licensed or shared mailbox with --mailbox.`,
      );
    case 'ErrorInvalidUser':
      return row(
        'mailbox-unknown',
        `${context.mailbox} does not exist in this tenant.`,
        'Pass an existing mailbox with --mailbox.',
        ExitCode.usage,
      );
    case 'ErrorSendAsDenied':
      return diagnoseSendAs(reply, context.from ?? '', context.mailbox, fixCommands(context, model).verify);
    case 'NoPermissionsInAccessToken':
      return model === 'graph-rbac'
        ? diagnoseExchangeRefusal(model, context, reply)
        : row('roles-missing', 'the token carries no permission: Mail.Send is not consented.', provision);
    case 'ErrorAccessDenied':
      return diagnoseExchangeRefusal(model, context, reply);
    case 'InvalidAuthenticationToken':
      return row(
        'token-rejected',
        'Graph did not accept the token (audience or tenant).',
        'Check --cloud and --graph-endpoint.',
        ExitCode.auth,
      );
  }
  if (failure.status === 429 || failure.status >= 500)
    return row('graph-transient', 'Graph kept failing (throttling or a service error).', 'Retry in a few minutes.', ExitCode.service);
  return row('graph-refused', 'Graph refused the message.', `Retry; if it persists, report the request-id.`, ExitCode.service);
}
