import type { SandboxContext, SandboxTokenClaims } from '../context.ts';
import {
  EXCHANGE_AUDIENCES,
  findExchangeServicePrincipal,
  findMailbox,
  findRbacGrant,
  hasFullAccess,
  principalNames,
  smtpAuthSetting,
} from './exchange-authorization.ts';
import type { MailRejectionReason } from './rejections.ts';

/** An authenticated SMTP session: who may submit, and as which principals SendAs is checked. */
export interface SmtpPrincipal {
  mailbox: string;
  appId: string;
  /** The tenant whose mailbox it is. */
  tenantId: string;
  /** Names under which a SendAs grant counts: the SP's and the mailbox itself. */
  sendAsTrustees: string[];
}

export type SmtpAuthDecision =
  | { ok: true; principal: SmtpPrincipal }
  | { ok: false; responseCode: number; message: string; reason: MailRejectionReason; appId?: string };

/** EXO's reply texts (docs/smtp-oauth.md#xoauth2, docs/smtp-oauth.md#replies-and-their-causes), without the reply code. */
export const SMTP_REPLIES = {
  authUnsuccessful: (server: string) => `5.7.3 Authentication unsuccessful [${server}]`,
  smtpAuthDisabled: (by: 'Mailbox' | 'Tenant') =>
    `5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the ${by}. Visit https://aka.ms/smtp_auth_disabled for more information.`,
  basicAuthDisabled: '5.7.139 Authentication unsuccessful, basic authentication is disabled.',
  sendAsDenied: (user: string, from: string) =>
    `5.2.252 SendAsDenied; ${user} not allowed to send as ${from}; STOREDRV.Submission.Exception:SendAsDeniedException; Failed to process message due to a permanent exception with message Cannot submit message.`,
} as const;

/**
 * Decide an `AUTH XOAUTH2` for `user=<mailbox>` as Exchange Online does: a valid Exchange-audience
 * token of this tenant, a licensed mailbox with SMTP AUTH enabled, then the model's grant (docs/sending-models.md):
 * a token carrying SMTP.SendAsApp needs FullAccess; without it an in-scope, propagated
 * `Application SMTP.SendAsApp` assignment. Every refusal but SMTP AUTH is the same 5.7.3 on the wire.
 */
export async function authorizeSmtpLogin(
  ctx: SandboxContext,
  server: string,
  mailbox: string,
  accessToken: string,
): Promise<SmtpAuthDecision> {
  const reject = (reason: MailRejectionReason, appId?: string, message = SMTP_REPLIES.authUnsuccessful(server)): SmtpAuthDecision => ({
    ok: false,
    responseCode: 535,
    message,
    reason,
    appId,
  });
  const claims = await ctx.verifyToken(accessToken);
  if (!claims) return reject('token-invalid');
  const appId = claims.appid ?? claims.azp;
  if (!EXCHANGE_AUDIENCES.includes(claims.aud)) return reject('token-audience', appId);
  if (claims.tid !== ctx.state.tenant.id) return reject('token-tenant', appId);

  const exchange = ctx.state.exchange;
  const box = findMailbox(exchange, mailbox);
  if (!box) return reject('mailbox-unknown', appId);
  if (!box.licensed && !box.shared) return reject('mailbox-unlicensed', appId);
  const smtpAuth = smtpAuthSetting(exchange, box);
  if (smtpAuth.disabled) {
    const reason = smtpAuth.decidedBy === 'Mailbox' ? 'smtp-auth-disabled-mailbox' : 'smtp-auth-disabled-tenant';
    return reject(reason, appId, SMTP_REPLIES.smtpAuthDisabled(smtpAuth.decidedBy));
  }

  if (isDelegatedSmtpToken(claims, box.address)) {
    return { ok: true, principal: { mailbox: box.address, appId: appId ?? '', tenantId: claims.tid, sendAsTrustees: [box.address] } };
  }
  const sp = findExchangeServicePrincipal(exchange, claims);
  if (!sp || !appId) return reject('service-principal-missing', appId);
  const principal = { mailbox: box.address, appId, tenantId: claims.tid, sendAsTrustees: [...principalNames(sp), box.address] };
  if (claims.roles?.includes('SMTP.SendAsApp')) {
    // [SMTP-RBAC]: the role in the token triggers the mailbox-permission check, RBAC or not.
    return hasFullAccess(exchange, sp, box.address) ? { ok: true, principal } : reject('full-access-missing', appId);
  }
  const grant = findRbacGrant(exchange, sp, 'Application SMTP.SendAsApp', box.address, ctx.clock.nowMs());
  if (grant.status === 'effective') return { ok: true, principal };
  return reject(grant.status === 'propagating' ? 'rbac-propagating' : 'rbac-assignment-missing', appId);
}

/** A delegated (user) token with `SMTP.Send` for the mailbox's own user (model delegated-smtp). */
function isDelegatedSmtpToken(claims: SandboxTokenClaims, mailbox: string): boolean {
  const scopes = claims.scp?.split(' ') ?? [];
  return claims.idtyp !== 'app' && scopes.includes('SMTP.Send') && claims.upn?.toLowerCase() === mailbox.toLowerCase();
}
