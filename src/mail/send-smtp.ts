import { isIP } from 'node:net';
import type { TestMessage, SendOutcome } from './send-outcome.ts';

/**
 * The test message over SMTP client submission: STARTTLS on 587, `AUTH XOAUTH2` with the app token
 * for `user=<mailbox>` (docs/smtp-oauth.md#xoauth2, docs/sdk-behaviour.md#nodemailer). The CA that signs the server's certificate
 * is trusted by the caller (`tls.setDefaultCACertificates`). nodemailer's logger stays off: its
 * debug output would carry the XOAUTH2 line.
 */
export async function sendTestMessageSmtp(smtpHost: string, accessToken: string, message: TestMessage): Promise<SendOutcome> {
  const { host, port } = parseHostPort(smtpHost);
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({
    host,
    port,
    secure: false,
    requireTLS: true,
    auth: { type: 'OAuth2', user: message.mailbox, accessToken },
    logger: false,
    debug: false,
    // SNI carries a host name only; for an IP literal Node must not be handed one.
    ...(isIP(host) ? {} : { tls: { servername: host } }),
  });
  try {
    const info = await transport.sendMail({
      from: message.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      envelope: { from: message.from, to: [message.to] },
    });
    return { ok: true, detail: `Accepted by ${host}:${port}: ${String(info.response)}` };
  } catch (error) {
    const e = error as { responseCode?: number; response?: string; code?: string };
    if (typeof e.response === 'string' && e.response.length > 0) {
      return { ok: false, failure: { kind: 'smtp', responseCode: e.responseCode, response: e.response } };
    }
    return { ok: false, failure: { kind: 'network', transport: 'smtp', code: e.code ?? 'unknown' } };
  } finally {
    transport.close();
  }
}

/** `host:port`, default port 587. */
export function parseHostPort(value: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(value.trim());
  return { host: match?.[1] ?? value, port: match?.[2] ? Number(match[2]) : 587 };
}
