import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExitCode } from '../../src/core/errors.ts';
import { diagnose } from '../../src/mail/diagnose.ts';
import type { FailureContext, MailFailure } from '../../src/mail/types.ts';
import type { ModelName } from '../../src/core/models.ts';

const at = new Date('2026-10-01T12:00:00Z');
const base: FailureContext = {
  tenantId: 'tid',
  clientId: 'cid',
  mailbox: 'noreply@contoso.com',
  from: 'noreply@contoso.com',
  roles: [],
  at,
};

type Variant<T> = T extends unknown ? Omit<T, 'context'> : never;
function run(model: ModelName, failure: Variant<MailFailure>, context: Partial<FailureContext> = {}) {
  return diagnose({ ...failure, context: { ...base, ...context } } as MailFailure, model);
}

const smtp = (response: string): Variant<MailFailure> => ({ kind: 'smtp', responseCode: Number(response.slice(0, 3)), response });
const exo = (over: Partial<NonNullable<FailureContext['exchange']>> = {}): NonNullable<FailureContext['exchange']> => ({
  mailbox: 'ok',
  servicePrincipal: { status: 'ok', identity: 'sp' },
  fullAccess: true,
  ...over,
});

test('5.7.139 for the Mailbox names Set-CASMailbox for that mailbox', () => {
  const d = run(
    'smtp',
    smtp(
      '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.',
    ),
  );
  assert.equal(d.cause, 'smtp-auth-disabled-mailbox');
  assert.equal(d.fix, "Set-CASMailbox -Identity 'noreply@contoso.com' -SmtpClientAuthenticationDisabled $false");
  assert.equal(d.exitCode, ExitCode.permission);
  assert.equal(d.pending, false);
});

test('5.7.139 for the Tenant enables the one mailbox, not the organization', () => {
  const d = run(
    'smtp-rbac',
    smtp(
      '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.',
    ),
  );
  assert.equal(d.cause, 'smtp-auth-disabled-tenant');
  assert.match(d.fix, /^Set-CASMailbox -Identity 'noreply@contoso.com'/);
});

test('5.7.139 basic authentication and the policy variant are told apart', () => {
  assert.equal(run('smtp', smtp('535 5.7.139 Authentication unsuccessful, basic authentication is disabled.')).cause, 'basic-auth');
  assert.equal(
    run('smtp', smtp('535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully'))
      .cause,
    'blocked-by-policy',
  );
});

test('554 5.2.252 SendAsDenied names Add-RecipientPermission with quoted addresses', () => {
  const d = run(
    'smtp',
    smtp(
      "554 5.2.252 SendAsDenied; noreply@contoso.com not allowed to send as o'brien@contoso.com; STOREDRV.Submission.Exception:SendAsDeniedException",
    ),
    {
      from: "o'brien@contoso.com",
    },
  );
  assert.equal(d.cause, 'send-as-denied');
  assert.match(d.fix, /Add-RecipientPermission -Identity 'o''brien@contoso.com' -Trustee 'noreply@contoso.com' -AccessRights SendAs/);
  assert.equal(d.exitCode, ExitCode.permission);
});

test('a typographic apostrophe in the address is doubled too: PowerShell ends a single-quoted string at it', () => {
  const d = run('smtp', smtp('554 5.2.252 SendAsDenied; STOREDRV.Submission.Exception:SendAsDeniedException'), {
    from: 'o\u2019brien@contoso.com',
  });
  assert.match(d.fix, /-Identity 'o\u2019\u2019brien@contoso.com' -Trustee/);
});

test('535 5.7.3 in the smtp model: SP missing, FullAccess missing, mailbox unlicensed — each with its own cause', () => {
  const reply = smtp('535 5.7.3 Authentication unsuccessful [SRV]');
  const roles = ['SMTP.SendAsApp'];
  assert.equal(run('smtp', reply, { roles, exchange: exo({ servicePrincipal: { status: 'missing' } }) }).cause, 'exchange-sp-missing');
  const wrongId = run('smtp', reply, {
    roles,
    exchange: exo({ servicePrincipal: { status: 'wrong-object-id', registeredObjectId: 'app-object-id' } }),
  });
  assert.equal(wrongId.cause, 'exchange-sp-wrong-object-id');
  assert.match(wrongId.fix, /Remove-ServicePrincipal -Identity 'app-object-id'/);
  const fullAccess = run('smtp', reply, { roles, exchange: exo({ fullAccess: false }) });
  assert.equal(fullAccess.cause, 'full-access-missing');
  assert.equal(fullAccess.fix, 'entra-mail exchange-script --tenant tid --app cid --model smtp --mailbox noreply@contoso.com --run');
  assert.equal(run('smtp', reply, { roles, exchange: exo({ mailbox: 'unlicensed' }) }).cause, 'mailbox-unlicensed');
  assert.equal(run('smtp', reply, { roles: [] }).cause, 'roles-missing');
  const unknown = run('smtp', reply, { roles });
  assert.equal(unknown.cause, 'exchange-authorization-missing');
  assert.equal(unknown.exitCode, ExitCode.permission);
});

test('535 5.7.3 in the RBAC model: missing assignment fails, a recent one is pending until two hours after it', () => {
  const reply = smtp('535 5.7.3 Authentication unsuccessful [SRV]');
  const missing = run('smtp-rbac', reply, { exchange: exo({ fullAccess: false }) });
  assert.equal(missing.cause, 'rbac-assignment-missing');
  assert.equal(missing.pending, false);
  const created = new Date(at.getTime() - 10 * 60_000);
  const pending = run('smtp-rbac', reply, { exchange: exo({ fullAccess: false, rbacAssignmentCreatedAt: created }) });
  assert.equal(pending.cause, 'rbac-propagating');
  assert.equal(pending.pending, true);
  assert.equal(pending.retryAfter?.toISOString(), '2026-10-01T13:50:00.000Z');
  assert.equal(pending.exitCode, ExitCode.service);
  assert.match(pending.explanation, /Retry after 2026-10-01T13:50:00.000Z/);
  const old = run('smtp-rbac', reply, { exchange: exo({ rbacAssignmentCreatedAt: new Date(at.getTime() - 3 * 3600_000) }) });
  assert.equal(old.pending, false);
  // Without an Exchange read, the caller's "applied at" decides.
  assert.equal(run('smtp-rbac', reply, { exchangeAppliedAt: created }).pending, true);
  assert.equal(run('smtp-rbac', reply, {}).cause, 'rbac-assignment-missing');
});

test('smtp-rbac with SMTP.SendAsApp in the token: FullAccess is demanded, the diagnosis says why', () => {
  const d = run('smtp-rbac', smtp('535 5.7.3 Authentication unsuccessful [SRV]'), {
    roles: ['SMTP.SendAsApp'],
    exchange: exo({ fullAccess: false }),
  });
  assert.equal(d.cause, 'full-access-missing');
  assert.match(d.explanation, /remove that Entra permission/);
});

test('Graph errors: access denied, no permissions, unlicensed, send-as, pending RBAC', () => {
  const g = (status: number, code: string): Variant<MailFailure> => ({ kind: 'graph', status, code, requestId: 'rid' });
  const denied = run('graph-rbac', g(403, 'ErrorAccessDenied'), { exchange: exo({ fullAccess: false }) });
  assert.equal(denied.cause, 'rbac-assignment-missing');
  assert.match(denied.explanation, /request-id rid/);
  const pending = run('graph-rbac', g(403, 'ErrorAccessDenied'), { exchange: exo({ fullAccess: false, rbacAssignmentCreatedAt: at }) });
  assert.equal(pending.cause, 'rbac-propagating');
  assert.equal(pending.pending, true);
  assert.equal(run('graph', g(401, 'NoPermissionsInAccessToken')).cause, 'roles-missing');
  assert.equal(
    run('graph-rbac', g(401, 'NoPermissionsInAccessToken'), { exchange: exo({ servicePrincipal: { status: 'missing' } }) }).cause,
    'exchange-sp-missing',
  );
  const unlicensed = run('graph', g(404, 'MailboxNotEnabledForRESTAPI'));
  assert.equal(unlicensed.cause, 'mailbox-unlicensed');
  assert.equal(unlicensed.exitCode, ExitCode.permission);
  assert.equal(run('graph', g(403, 'ErrorSendAsDenied'), { from: 'hr@contoso.com' }).cause, 'send-as-denied');
  assert.equal(run('graph', g(403, 'ErrorAccessDenied'), { roles: ['Mail.Send'] }).cause, 'mailbox-out-of-scope');
  assert.equal(run('graph', g(503, 'serviceNotAvailable')).exitCode, ExitCode.service);
});

test('AADSTS codes: cause, fix and exit code', () => {
  const token = (aadsts: string) => run('smtp', { kind: 'token', aadsts });
  const secret = token('7000215');
  assert.equal(secret.cause, 'secret-invalid');
  assert.match(secret.explanation, /secret ID .* instead of the secret Value/);
  assert.match(secret.fix, /entra-mail provision --tenant tid --app cid --mailbox noreply@contoso.com --new-secret/);
  assert.equal(secret.exitCode, ExitCode.auth);
  assert.equal(token('7000222').cause, 'secret-expired');
  assert.equal(token('700016').cause, 'app-not-found');
  assert.equal(token('90002').cause, 'tenant-not-found');
  assert.equal(token('700027').cause, 'certificate-not-registered');
  assert.equal(token('7000112').cause, 'app-disabled');
  assert.equal(token('500011').cause, 'resource-not-in-tenant');
  assert.equal(token('53003').cause, 'conditional-access');
  assert.equal(token('90033').exitCode, ExitCode.service);
  assert.equal(token('12345').cause, 'aadsts-12345');
});

test('claims findings and transport failures', () => {
  const claims = (problem: 'audience' | 'tenant' | 'roles-missing' | 'unexpected-role') =>
    run('smtp', { kind: 'claims', problem, detail: 'd' });
  assert.equal(claims('audience').exitCode, ExitCode.auth);
  assert.equal(
    claims('roles-missing').fix,
    'Grant and consent the permission: entra-mail provision --tenant tid --app cid --mailbox noreply@contoso.com',
  );
  assert.equal(claims('unexpected-role').cause, 'unexpected-role');
  assert.equal(run('smtp', { kind: 'network', transport: 'smtp', code: 'ECONNREFUSED' }).cause, 'smtp-unreachable');
  assert.equal(run('smtp', smtp('451 4.7.0 Temporary server error. Please try again later. PRX4')).exitCode, ExitCode.service);
});
