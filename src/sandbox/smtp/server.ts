import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerAuthentication, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { SandboxContext } from '../context.ts';
import { tenantOfToken } from '../request-tenant.ts';
import { authorizeSmtpLogin, SMTP_REPLIES } from './authorize-smtp.ts';
import type { SmtpPrincipal } from './authorize-smtp.ts';
import { deliverMessage, readMessageHeaders } from './delivery.ts';
import { hasSendAs } from './exchange-authorization.ts';
import { recordMailRejection } from './rejections.ts';

export interface SandboxSmtp {
  port: number;
  close(): Promise<void>;
}

/** The name in the banner and in `535 5.7.3 Authentication unsuccessful [<server>]`. */
export const SANDBOX_SMTP_SERVER_NAME = 'SANDBOX01PR00MB0001.sandbox.local';

/** EXO's message size limit for client submission (35 MB). */
const MAX_MESSAGE_BYTES = 35 * 1024 * 1024;

/**
 * SMTP client submission as Exchange Online answers it (docs/smtp-oauth.md#replies-and-their-causes): STARTTLS,
 * then `AUTH XOAUTH2` decided by the token and the Exchange state; replies carry EXO's own codes
 * and texts (`hideENHANCEDSTATUSCODES`, so smtp-server adds no 5.7.8 of its own).
 *
 * Deviations smtp-server imposes, kept small: AUTH is advertised before STARTTLS too, and AUTH
 * before STARTTLS answers `538 Error: Must issue a STARTTLS command first`. `AUTH LOGIN` is
 * advertised as EXO does (`AUTH LOGIN XOAUTH2`) and answered with EXO's basic-auth 5.7.139;
 * `AUTH PLAIN`, which EXO does not advertise, gets smtp-server's `504 Unrecognized authentication type`.
 */
export async function startSandboxSmtp(ctx: SandboxContext, options: { port: number; key: string; cert: string }): Promise<SandboxSmtp> {
  const server = new SMTPServer({
    name: SANDBOX_SMTP_SERVER_NAME,
    banner: 'MAIL Service ready',
    key: options.key,
    cert: options.cert,
    secure: false,
    authMethods: ['LOGIN', 'XOAUTH2'],
    hideENHANCEDSTATUSCODES: true,
    authRequiredMessage: '5.7.57 Client not authenticated to send mail',
    size: MAX_MESSAGE_BYTES,
    // smtp-server's logger would print the AUTH exchange; the token must never reach a log.
    logger: false,
    onAuth: (auth, session, callback) => {
      // The tenant whose Exchange decides: the token's `tid` (verified by authorizeSmtpLogin).
      const tenant = tenantOfToken(ctx.tenants, auth.accessToken);
      void ctx.tenants
        .run(tenant, () => authenticate(ctx, auth, session))
        .then(
          (principal) => callback(null, { user: principal }),
          (error: Error) => callback(error),
        );
    },
    onData: (stream, session, callback) => {
      const tenant = ctx.tenants.find((session.user as SmtpPrincipal | undefined)?.tenantId ?? '') ?? ctx.tenants.home;
      void ctx.tenants
        .run(tenant, () => submit(ctx, stream, session))
        .then(
          (reply) => callback(null, reply),
          (error: Error) => callback(error),
        );
    },
  });
  server.on('error', () => {
    // A client dropping the connection mid-session is not the sandbox's failure.
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function authenticate(ctx: SandboxContext, auth: SMTPServerAuthentication, session: SMTPServerSession): Promise<SmtpPrincipal> {
  void session;
  const mailbox = auth.username ?? '';
  if (auth.method !== 'XOAUTH2' || !auth.accessToken) {
    recordMailRejection(ctx, { via: 'smtp', reason: 'basic-auth', mailbox, reply: `535 ${SMTP_REPLIES.basicAuthDisabled}` });
    throw smtpError(535, SMTP_REPLIES.basicAuthDisabled);
  }
  const decision = await authorizeSmtpLogin(ctx, SANDBOX_SMTP_SERVER_NAME, mailbox, auth.accessToken);
  if (decision.ok) return decision.principal;
  const rejection = { via: 'smtp' as const, reason: decision.reason, mailbox, reply: `${decision.responseCode} ${decision.message}` };
  recordMailRejection(ctx, decision.appId ? { ...rejection, appId: decision.appId } : rejection);
  throw smtpError(decision.responseCode, decision.message);
}

/**
 * End of DATA: the envelope sender and the header From must be the authenticated mailbox unless
 * it holds SendAs on them; EXO refuses only here, with 554 5.2.252 (docs/smtp-oauth.md#replies-and-their-causes).
 */
async function submit(ctx: SandboxContext, stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const principal = session.user as SmtpPrincipal;
  const headers = readMessageHeaders(raw);
  const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  for (const from of [envelopeFrom, headers.from ?? envelopeFrom]) {
    if (from.toLowerCase() === principal.mailbox || hasSendAs(ctx.state.exchange, principal.sendAsTrustees, from)) continue;
    const message = SMTP_REPLIES.sendAsDenied(principal.mailbox, from);
    recordMailRejection(ctx, {
      via: 'smtp',
      reason: 'send-as-denied',
      mailbox: principal.mailbox,
      appId: principal.appId,
      reply: `554 ${message}`,
    });
    throw smtpError(554, message);
  }
  const delivered = await deliverMessage(ctx, {
    via: 'smtp',
    from: headers.from ?? envelopeFrom,
    to: session.envelope.rcptTo.map((r) => r.address),
    subject: headers.subject,
    appId: principal.appId,
    size: raw.length,
  });
  return `2.0.0 OK <${delivered.id}@${SANDBOX_SMTP_SERVER_NAME}> [Hostname=${SANDBOX_SMTP_SERVER_NAME}]`;
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}
