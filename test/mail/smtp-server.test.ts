import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import nodemailer from 'nodemailer';
import { EXCHANGE_APP_ID } from '../../src/core/well-known.ts';
import { listDeliveredMessages } from '../../src/sandbox/smtp/delivery.ts';
import { listMailRejections } from '../../src/sandbox/smtp/rejections.ts';
import { SANDBOX_SMTP_SERVER_NAME } from '../../src/sandbox/smtp/server.ts';
import { provisionApp, startMailSandbox } from './helpers/mail-sandbox.ts';
import type { MailSandbox } from './helpers/mail-sandbox.ts';

const MAILBOX = 'noreply@contoso.com';

async function withSandbox(run: (sandbox: MailSandbox, port: number) => Promise<void>): Promise<void> {
  const sandbox = await startMailSandbox();
  try {
    await run(sandbox, Number(sandbox.endpoints.smtpHost.split(':')[1]));
  } finally {
    await sandbox.close();
  }
}

async function send(port: number, auth: object): Promise<{ ok: true } | { ok: false; responseCode?: number; response?: string }> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, requireTLS: true, auth, logger: false } as never);
  try {
    await transport.sendMail({ from: MAILBOX, to: 'ops@fabrikam.example', subject: 'Grüße', text: 'hi' });
    return { ok: true };
  } catch (error) {
    const e = error as { responseCode?: number; response?: string };
    return { ok: false, responseCode: e.responseCode, response: e.response };
  } finally {
    transport.close();
  }
}

/** Reads the greeting and the answers to `lines`, one command per reply, over plain TCP. */
async function converse(port: number, lines: string[]): Promise<string[]> {
  const socket = connect(port, '127.0.0.1');
  const replies: string[] = [];
  let buffer = '';
  await new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      // A reply ends with a line "NNN text" (space after the code).
      while (/^\d{3} .*\r\n/m.test(buffer)) {
        const end = buffer.search(/^\d{3} .*\r\n/m);
        const lineEnd = buffer.indexOf('\r\n', end) + 2;
        replies.push(buffer.slice(0, lineEnd).trim());
        buffer = buffer.slice(lineEnd);
        const next = lines[replies.length - 1];
        if (next === undefined) {
          socket.end();
          resolve();
        } else socket.write(`${next}\r\n`);
      }
    });
  });
  return replies;
}

test('banner and EHLO read like Exchange Online; AUTH before STARTTLS is refused', () =>
  withSandbox(async (_sandbox, port) => {
    const replies = await converse(port, ['EHLO client.example', 'AUTH XOAUTH2 dXNlcj0=']);
    assert.equal(replies[0], `220 ${SANDBOX_SMTP_SERVER_NAME} ESMTP MAIL Service ready`);
    assert.match(replies[1] ?? '', /STARTTLS/);
    assert.match(replies[1] ?? '', /AUTH LOGIN XOAUTH2/);
    assert.match(replies[2] ?? '', /^538 /);
  }));

test('AUTH LOGIN (basic auth) gets EXO 535 5.7.139 basic authentication is disabled', () =>
  withSandbox(async (sandbox, port) => {
    const result = await send(port, { user: MAILBOX, pass: 'a password' });
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.response, '535 5.7.139 Authentication unsuccessful, basic authentication is disabled.');
    assert.equal(listMailRejections(sandbox.ctx).at(-1)?.reason, 'basic-auth');
  }));

test('a Graph-audience token is refused on SMTP with exactly 535 5.7.3 [server]', () =>
  withSandbox(async (sandbox, port) => {
    const app = provisionApp(sandbox.ctx, 'smtp', MAILBOX);
    const graphToken = await sandbox.ctx.signToken({
      aud: 'https://graph.microsoft.com',
      tid: sandbox.ctx.state.tenant.id,
      appid: app.clientId,
      oid: app.servicePrincipalId,
      sub: app.servicePrincipalId,
      roles: ['SMTP.SendAsApp'],
    });
    const result = await send(port, { type: 'OAuth2', user: MAILBOX, accessToken: graphToken });
    assert.equal(!result.ok && result.response, `535 5.7.3 Authentication unsuccessful [${SANDBOX_SMTP_SERVER_NAME}]`);
    assert.equal(listMailRejections(sandbox.ctx).at(-1)?.reason, 'token-audience');
  }));

test('an expired or foreign token is refused with the same 5.7.3; a valid one delivers and is listed', () =>
  withSandbox(async (sandbox, port) => {
    const app = provisionApp(sandbox.ctx, 'smtp', MAILBOX);
    const claims = {
      aud: EXCHANGE_APP_ID,
      tid: sandbox.ctx.state.tenant.id,
      appid: app.clientId,
      oid: app.servicePrincipalId,
      sub: app.servicePrincipalId,
      roles: ['SMTP.SendAsApp'],
    };
    const expired = await sandbox.ctx.signToken({ ...claims, lifetimeSeconds: 60 });
    sandbox.clock.advance(10 * 60_000);
    const refused = await send(port, { type: 'OAuth2', user: MAILBOX, accessToken: expired });
    assert.equal(!refused.ok && refused.responseCode, 535);
    assert.equal(listMailRejections(sandbox.ctx).at(-1)?.reason, 'token-invalid');
    const forged = `${expired.split('.').slice(0, 2).join('.')}.AAAA`;
    assert.equal(!(await send(port, { type: 'OAuth2', user: MAILBOX, accessToken: forged })).ok, true);

    const valid = await sandbox.ctx.signToken(claims);
    assert.deepEqual(await send(port, { type: 'OAuth2', user: MAILBOX, accessToken: valid }), { ok: true });
    const listed = listDeliveredMessages(sandbox.ctx, { to: 'OPS@fabrikam.example' });
    assert.equal(listed.length, 1);
    assert.equal(listed[0]?.subject, 'Grüße');
    assert.equal(listed[0]?.via, 'smtp');
    assert.equal(listDeliveredMessages(sandbox.ctx, { from: 'hr@contoso.com' }).length, 0);
  }));

test('the rejection log never keeps a token', () =>
  withSandbox(async (sandbox, port) => {
    const app = provisionApp(sandbox.ctx, 'smtp-rbac', MAILBOX);
    sandbox.ctx.state.exchange.roleAssignments = [];
    const token = await sandbox.ctx.signToken({
      aud: 'https://outlook.office365.com',
      tid: sandbox.ctx.state.tenant.id,
      appid: app.clientId,
      oid: app.servicePrincipalId,
      sub: app.servicePrincipalId,
    });
    await send(port, { type: 'OAuth2', user: MAILBOX, accessToken: token });
    const log = JSON.stringify(listMailRejections(sandbox.ctx));
    assert.match(log, /rbac-assignment-missing/);
    assert.ok(!log.includes(token));
  }));
