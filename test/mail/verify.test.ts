import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExitCode } from '../../src/core/errors.ts';
import { verifyApp } from '../../src/mail/verify.ts';
import type { VerifyInput, VerifyReport } from '../../src/mail/types.ts';
import type { ModelName } from '../../src/core/models.ts';
import { Secret } from '../../src/core/secret.ts';
import { listMailRejections } from '../../src/sandbox/smtp/rejections.ts';
import { observeSandboxExchange, provisionApp, startMailSandbox } from './helpers/mail-sandbox.ts';
import type { MailSandbox, SandboxApp } from './helpers/mail-sandbox.ts';

const MAILBOX = 'noreply@contoso.com';
const TO = 'ops@fabrikam.example';

async function withSandbox(model: ModelName, run: (sandbox: MailSandbox, app: SandboxApp) => Promise<void>): Promise<void> {
  const sandbox = await startMailSandbox();
  try {
    await run(sandbox, provisionApp(sandbox.ctx, model, MAILBOX));
  } finally {
    await sandbox.close();
  }
}

function inputFor(sandbox: MailSandbox, app: SandboxApp, model: ModelName, over: Partial<VerifyInput> = {}): VerifyInput {
  return {
    model,
    tenantId: sandbox.ctx.state.tenant.id,
    clientId: app.clientId,
    credential: { kind: 'secret', secret: app.secret },
    mailbox: MAILBOX,
    to: TO,
    endpoints: sandbox.endpoints,
    graphScope: 'https://graph.microsoft.com/.default',
    sendTestMessage: true,
    secretPropagationDeadlineMs: 120_000,
    ...over,
  };
}

async function verify(sandbox: MailSandbox, app: SandboxApp, model: ModelName, over: Partial<VerifyInput> = {}): Promise<VerifyReport> {
  const lines: string[] = [];
  const report = await verifyApp(inputFor(sandbox, app, model, over), {
    clock: sandbox.clock,
    log: (l) => lines.push(l),
    observeExchange: observeSandboxExchange(sandbox.ctx, model),
  });
  // Neither the secret nor any token may leak into the report or the progress lines.
  const printed = JSON.stringify(report) + lines.join('\n');
  assert.ok(!printed.includes(app.secret.reveal()), 'secret leaked');
  assert.ok(!/eyJ[\w-]+\.[\w-]+\./.test(printed), 'token leaked');
  return report;
}

function check(report: VerifyReport, id: 'token' | 'claims' | 'send') {
  const found = report.checks.find((c) => c.id === id);
  assert.ok(found, `no ${id} check`);
  return found;
}

for (const model of ['smtp', 'smtp-rbac', 'graph', 'graph-rbac'] as const) {
  test(`happy path, model ${model}: token, claims and the message delivered in the sandbox`, () =>
    withSandbox(model, async (sandbox, app) => {
      const report = await verify(sandbox, app, model);
      assert.deepEqual(
        report.checks.map((c) => [c.id, c.status]),
        [
          ['token', 'pass'],
          ['claims', 'pass'],
          ['send', 'pass'],
        ],
      );
      assert.equal(report.ok, true);
      assert.equal(report.exitCode, ExitCode.ok);
      const delivered = sandbox.ctx.state.mail.delivered;
      assert.equal(delivered.length, 1);
      assert.equal(delivered[0]?.from, MAILBOX);
      assert.deepEqual(delivered[0]?.to, [TO]);
      assert.equal(delivered[0]?.via, MODELS_TRANSPORT[model]);
      assert.equal(delivered[0]?.appId, app.clientId);
      assert.match(delivered[0]?.subject ?? '', /^entra-mail verify /);
    }));
}
const MODELS_TRANSPORT = { smtp: 'smtp', 'smtp-rbac': 'smtp', graph: 'graph', 'graph-rbac': 'graph' } as const;

test('smtp: FullAccess removed → 535 5.7.3 explained as full-access-missing, exit 4', () =>
  withSandbox('smtp', async (sandbox, app) => {
    sandbox.ctx.state.exchange.mailboxPermissions = [];
    const report = await verify(sandbox, app, 'smtp');
    const send = check(report, 'send');
    assert.equal(send.status, 'fail');
    assert.equal(send.cause, 'full-access-missing');
    assert.match(send.detail, /^535 5\.7\.3 Authentication unsuccessful/);
    assert.equal(
      send.fix,
      `entra-mail exchange-script --tenant ${sandbox.ctx.state.tenant.id} --app ${app.clientId} --model smtp --mailbox ${MAILBOX} --run`,
    );
    assert.equal(report.exitCode, ExitCode.permission);
    assert.equal(listMailRejections(sandbox.ctx).at(-1)?.reason, 'full-access-missing');
    assert.equal(sandbox.ctx.state.mail.delivered.length, 0);
  }));

test('smtp: service principal not registered in Exchange → exchange-sp-missing', () =>
  withSandbox('smtp', async (sandbox, app) => {
    sandbox.ctx.state.exchange.servicePrincipals = [];
    const send = check(await verify(sandbox, app, 'smtp'), 'send');
    assert.equal(send.cause, 'exchange-sp-missing');
    assert.equal(listMailRejections(sandbox.ctx).at(-1)?.reason, 'service-principal-missing');
  }));

test('smtp: Exchange SP registered with the app registration object id → wrong-object-id', () =>
  withSandbox('smtp', async (sandbox, app) => {
    const sp = sandbox.ctx.state.exchange.servicePrincipals[0];
    assert.ok(sp);
    sp.objectId = app.applicationObjectId;
    const send = check(await verify(sandbox, app, 'smtp'), 'send');
    assert.equal(send.cause, 'exchange-sp-wrong-object-id');
    assert.match(send.fix ?? '', new RegExp(`Remove-ServicePrincipal -Identity '${app.applicationObjectId}'`));
  }));

test('smtp: SMTP AUTH disabled for the mailbox → 5.7.139 Mailbox, Set-CASMailbox fix', () =>
  withSandbox('smtp', async (sandbox, app) => {
    const box = sandbox.ctx.state.exchange.mailboxes.find((m) => m.address === MAILBOX);
    assert.ok(box);
    box.smtpClientAuthenticationDisabled = true;
    const report = await verify(sandbox, app, 'smtp');
    const send = check(report, 'send');
    assert.equal(send.cause, 'smtp-auth-disabled-mailbox');
    assert.match(send.detail, /SmtpClientAuthentication is disabled for the Mailbox/);
    assert.equal(send.fix, `Set-CASMailbox -Identity '${MAILBOX}' -SmtpClientAuthenticationDisabled $false`);
    assert.equal(report.exitCode, ExitCode.permission);
  }));

test('smtp-rbac: SMTP AUTH left to the organization (disabled) → 5.7.139 Tenant', () =>
  withSandbox('smtp-rbac', async (sandbox, app) => {
    const box = sandbox.ctx.state.exchange.mailboxes.find((m) => m.address === MAILBOX);
    assert.ok(box);
    box.smtpClientAuthenticationDisabled = null;
    const send = check(await verify(sandbox, app, 'smtp-rbac'), 'send');
    assert.equal(send.cause, 'smtp-auth-disabled-tenant');
    assert.match(send.detail, /disabled for the Tenant/);
  }));

test('smtp-rbac: role assignment removed → rbac-assignment-missing, exit 4', () =>
  withSandbox('smtp-rbac', async (sandbox, app) => {
    sandbox.ctx.state.exchange.roleAssignments = [];
    const report = await verify(sandbox, app, 'smtp-rbac');
    assert.equal(check(report, 'send').cause, 'rbac-assignment-missing');
    assert.equal(report.exitCode, ExitCode.permission);
    assert.equal(report.pending, false);
  }));

test('smtp-rbac: assignment inside the RBAC cache window → pending with retry after, exit 7', () =>
  withSandbox('smtp-rbac', async (sandbox, app) => {
    const exchange = sandbox.ctx.state.exchange;
    exchange.rbacPropagationMs = 45 * 60_000;
    const assignment = exchange.roleAssignments[0];
    assert.ok(assignment);
    assignment.createdAt = sandbox.clock.nowMs() - 5 * 60_000;
    const report = await verify(sandbox, app, 'smtp-rbac');
    const send = check(report, 'send');
    assert.equal(send.status, 'pending');
    assert.equal(send.cause, 'rbac-propagating');
    assert.equal(send.retryAfter, new Date(assignment.createdAt + 2 * 3600_000).toISOString());
    assert.equal(report.pending, true);
    assert.equal(report.ok, false);
    assert.equal(report.exitCode, ExitCode.service);
    assert.equal(listMailRejections(sandbox.ctx).at(-1)?.reason, 'rbac-propagating');
    // Once the cache has caught up, the same setup sends.
    sandbox.clock.advance(45 * 60_000);
    assert.equal((await verify(sandbox, app, 'smtp-rbac')).ok, true);
  }));

test('smtp: the wrong secret → AADSTS7000215 after the bounded retry, exit 3', () =>
  withSandbox('smtp', async (sandbox, app) => {
    const started = sandbox.clock.nowMs();
    const report = await verify(sandbox, app, 'smtp', { credential: { kind: 'secret', secret: new Secret(app.secretKeyId) } });
    const token = check(report, 'token');
    assert.equal(token.cause, 'secret-invalid');
    assert.match(token.detail, /secret ID/);
    assert.equal(report.exitCode, ExitCode.auth);
    assert.equal(check(report, 'send').status, 'skipped');
    const waited = sandbox.clock.nowMs() - started;
    assert.ok(waited >= 120_000 && waited < 150_000, `waited ${waited} ms`);
  }));

test('a fresh secret that is not replicated yet is retried until it works', () =>
  withSandbox('smtp', async (sandbox, app) => {
    sandbox.ctx.state.replicatedAt[app.secretKeyId] = sandbox.clock.nowMs() + 30_000;
    const report = await verify(sandbox, app, 'smtp');
    assert.equal(report.ok, true);
    assert.match(check(report, 'token').detail, /after [2-9]\d* attempt/);
  }));

test('graph: unlicensed mailbox → MailboxNotEnabledForRESTAPI explained, exit 4', () =>
  withSandbox('graph', async (sandbox, app) => {
    const report = await verify(sandbox, app, 'graph', { mailbox: 'unlicensed@contoso.com' });
    const send = check(report, 'send');
    assert.equal(send.cause, 'mailbox-unlicensed');
    assert.match(send.detail, /404 MailboxNotEnabledForRESTAPI/);
    assert.equal(report.exitCode, ExitCode.permission);
  }));

test('smtp: unlicensed mailbox → 535 5.7.3 explained from the Exchange read', () =>
  withSandbox('smtp', async (sandbox, app) => {
    const box = sandbox.ctx.state.exchange.mailboxes.find((m) => m.address === MAILBOX);
    assert.ok(box);
    box.licensed = false;
    const send = check(await verify(sandbox, app, 'smtp'), 'send');
    assert.equal(send.cause, 'mailbox-unlicensed');
    assert.equal(listMailRejections(sandbox.ctx).at(-1)?.reason, 'mailbox-unlicensed');
  }));

test('smtp: From ≠ mailbox without SendAs → send-as-denied; with SendAs it is delivered', () =>
  withSandbox('smtp', async (sandbox, app) => {
    const from = 'hr@contoso.com';
    const report = await verify(sandbox, app, 'smtp', { from });
    const send = check(report, 'send');
    assert.equal(send.cause, 'send-as-denied');
    assert.match(send.detail, /^554 5\.2\.252 SendAsDenied; noreply@contoso\.com not allowed to send as hr@contoso\.com/);
    assert.match(send.fix ?? '', /Add-RecipientPermission -Identity 'hr@contoso.com' -Trustee 'noreply@contoso.com' -AccessRights SendAs/);
    assert.equal(report.exitCode, ExitCode.permission);
    sandbox.ctx.state.exchange.recipientPermissions.push({ identity: from, trustee: MAILBOX, accessRights: 'SendAs' });
    assert.equal((await verify(sandbox, app, 'smtp', { from })).ok, true);
    assert.equal(sandbox.ctx.state.mail.delivered[0]?.from, from);
  }));

test('graph: message.from ≠ mailbox without SendAs → ErrorSendAsDenied', () =>
  withSandbox('graph', async (sandbox, app) => {
    const send = check(await verify(sandbox, app, 'graph', { from: 'hr@contoso.com' }), 'send');
    assert.equal(send.cause, 'send-as-denied');
    assert.match(send.detail, /403 ErrorSendAsDenied/);
  }));

test('graph: consent removed → the claims check names the missing Mail.Send role and no mail is tried', () =>
  withSandbox('graph', async (sandbox, app) => {
    sandbox.ctx.state.appRoleAssignments = [];
    const report = await verify(sandbox, app, 'graph');
    const claims = check(report, 'claims');
    assert.equal(claims.cause, 'roles-missing');
    assert.match(claims.detail, /lacks the role Mail\.Send/);
    assert.equal(check(report, 'send').status, 'skipped');
    assert.equal(report.exitCode, ExitCode.permission);
  }));

test('graph-rbac: assignment removed → 403 ErrorAccessDenied explained as rbac-assignment-missing', () =>
  withSandbox('graph-rbac', async (sandbox, app) => {
    sandbox.ctx.state.exchange.roleAssignments = [];
    const send = check(await verify(sandbox, app, 'graph-rbac'), 'send');
    assert.equal(send.cause, 'rbac-assignment-missing');
    assert.match(send.detail, /403 ErrorAccessDenied/);
  }));

test('graph-rbac with Entra Mail.Send too: it sends, but the claims check flags the tenant-wide grant', () =>
  withSandbox('graph-rbac', async (sandbox, app) => {
    const graph = sandbox.ctx.state.servicePrincipals.find((sp) => sp.displayName === 'Microsoft Graph');
    const role = graph?.appRoles.find((r) => r.value === 'Mail.Send');
    assert.ok(graph && role);
    sandbox.ctx.state.exchange.roleAssignments = [];
    sandbox.ctx.state.appRoleAssignments.push({
      id: 'a1',
      appRoleId: role.id,
      principalId: app.servicePrincipalId,
      principalType: 'ServicePrincipal',
      principalDisplayName: 'x',
      resourceId: graph.id,
      resourceDisplayName: graph.displayName,
      createdDateTime: '2026-01-01T00:00:00Z',
    });
    const report = await verify(sandbox, app, 'graph-rbac');
    assert.equal(check(report, 'claims').cause, 'unexpected-role');
    assert.match(check(report, 'claims').detail, /tenant-wide/);
    assert.equal(check(report, 'send').status, 'pass');
    assert.equal(report.exitCode, ExitCode.permission);
  }));
