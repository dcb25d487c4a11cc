import { ExitCode } from '../core/errors.ts';
import { fixCommands } from './fix-commands.ts';
import { MODELS } from '../core/models.ts';
import type { ModelName } from '../core/models.ts';
import type { Diagnosis, FailureContext } from './types.ts';

/** RBAC for applications is cached 30 min–2 h (docs/sending-models.md#graph-with-rbac-for-applications-graph-rbac, docs/diagnostics.md#propagation): wait out the upper bound. */
export const RBAC_PROPAGATION_MS = 2 * 3600_000;
/** FullAccess for the legacy SMTP model: "typically 15–30 minutes" (docs/diagnostics.md#propagation, vendor figure). */
export const FULL_ACCESS_PROPAGATION_MS = 30 * 60_000;

/**
 * Exchange refused the app for the mailbox: SMTP `535 5.7.3` or Graph `403 ErrorAccessDenied`.
 * On the wire these say nothing more; the model, the token's roles and — when the caller could
 * read it — the Exchange configuration tell "wrong" from "not yet" (docs/smtp-oauth.md#replies-and-their-causes, docs/diagnostics.md#propagation).
 */
export function diagnoseExchangeRefusal(model: ModelName, context: FailureContext, reply: string): Diagnosis {
  const { mailbox, exchange } = context;
  const fixes = fixCommands(context, model);
  const script = fixes.exchange;
  const definition = MODELS[model];
  const fail = (cause: string, explanation: string, fix = script): Diagnosis => ({
    cause,
    explanation: `${reply}: ${explanation}`,
    fix,
    pending: false,
    exitCode: ExitCode.permission,
  });
  const wait = (cause: string, explanation: string, since: Date, windowMs: number): Diagnosis => {
    const retryAfter = new Date(since.getTime() + windowMs);
    return {
      cause,
      explanation: `${reply}: ${explanation} Retry after ${retryAfter.toISOString()}.`,
      fix: `Wait, then: ${fixes.verify}`,
      pending: true,
      retryAfter,
      exitCode: ExitCode.service,
    };
  };
  const withinWindow = (since: Date | undefined, windowMs: number): since is Date =>
    since !== undefined && context.at.getTime() < since.getTime() + windowMs;

  // A refusal is "not yet" only for a mailbox that can send at all: what the Exchange step's
  // Get-Mailbox found comes first (docs/exchange-powershell.md#get-mailbox-and-licences).
  const state = exchange?.mailbox ?? context.mailboxState;
  if (state === 'missing')
    return fail(
      'mailbox-unknown',
      `${mailbox} is not an Exchange Online mailbox in this tenant.`,
      'Pass an existing mailbox with --mailbox.',
    );
  if (state === 'unlicensed') {
    return fail(
      'mailbox-unlicensed',
      `${mailbox} has no Exchange Online licence.`,
      `Assign an Exchange Online licence to ${mailbox}, or use a licensed or shared mailbox with --mailbox.`,
    );
  }
  if (definition.exchange.servicePrincipal) {
    if (exchange?.servicePrincipal.status === 'missing') {
      return fail(
        'exchange-sp-missing',
        `the app's service principal is not registered in Exchange Online (New-ServicePrincipal was not run).`,
      );
    }
    if (exchange?.servicePrincipal.status === 'wrong-object-id') {
      return fail(
        'exchange-sp-wrong-object-id',
        `Exchange's service principal names object id ${exchange.servicePrincipal.registeredObjectId}, not the enterprise application's (the app registration's object id is the classic mistake).`,
        `Remove-ServicePrincipal -Identity '${exchange.servicePrincipal.registeredObjectId}'; then ${script}`,
      );
    }
  }
  if (model === 'smtp' || (model === 'smtp-rbac' && context.roles.includes('SMTP.SendAsApp'))) {
    if (!context.roles.includes('SMTP.SendAsApp'))
      return fail('roles-missing', 'the token has no SMTP.SendAsApp role: the Exchange permission is not consented.', fixes.provision);
    if (exchange && !exchange.fullAccess) {
      const extra =
        model === 'smtp-rbac'
          ? ' The token carries SMTP.SendAsApp, which makes Exchange demand FullAccess even in the RBAC model: remove that Entra permission.'
          : '';
      return fail('full-access-missing', `the service principal has no FullAccess on ${mailbox}.${extra}`);
    }
    if (withinWindow(context.exchangeAppliedAt, FULL_ACCESS_PROPAGATION_MS)) {
      return wait(
        'full-access-propagating',
        `FullAccess granted at ${context.exchangeAppliedAt.toISOString()} can take up to 30 min to reach SMTP.`,
        context.exchangeAppliedAt,
        FULL_ACCESS_PROPAGATION_MS,
      );
    }
    return fail(
      exchange ? 'exchange-not-effective' : 'exchange-authorization-missing',
      exchange
        ? 'Exchange shows FullAccess, yet refuses; it may still be propagating. Re-run the Exchange step if this persists.'
        : `the service principal is not registered in Exchange, or has no FullAccess on ${mailbox} (Get-ServicePrincipal / Get-MailboxPermission show which).`,
    );
  }
  if (definition.exchange.rbacRole) {
    const role = definition.exchange.rbacRole;
    const createdAt = exchange?.rbacAssignmentCreatedAt;
    if (exchange && !createdAt)
      return fail('rbac-assignment-missing', `no '${role}' role assignment whose management scope includes ${mailbox}.`);
    const since = createdAt ?? context.exchangeAppliedAt;
    if (withinWindow(since, RBAC_PROPAGATION_MS)) {
      return wait(
        'rbac-propagating',
        `the '${role}' assignment (made ${since.toISOString()}) is not effective yet: RBAC for applications is cached for 30 min–2 h.`,
        since,
        RBAC_PROPAGATION_MS,
      );
    }
    return fail(
      exchange ? 'exchange-not-effective' : 'rbac-assignment-missing',
      exchange
        ? `the '${role}' assignment exists for over 2 h, yet Exchange refuses; check the scope's filter with Test-ServicePrincipalAuthorization -Resource ${mailbox}.`
        : `the service principal is not registered in Exchange, or no '${role}' assignment's scope includes ${mailbox}.`,
    );
  }
  if (model === 'graph' && !context.roles.includes('Mail.Send')) {
    return fail(
      'roles-missing',
      'the token has no Mail.Send role: the Graph permission is not consented.',
      `${fixes.provision} --model graph`,
    );
  }
  return fail('mailbox-out-of-scope', `${mailbox} is outside the app's access policy or RBAC scope in Exchange.`);
}
