import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { ClientSecretCredential } from '@azure/identity';
import { systemClock } from '../../src/core/clock.ts';
import type { ModelName } from '../../src/core/models.ts';
import { applyExchangeViaApi } from '../../src/exchange/admin-api/apply.ts';
import { ExchangeAdminApi } from '../../src/exchange/admin-api/client.ts';
import type { ExchangeScriptInput } from '../../src/exchange/script.ts';
import type { FaultRule } from '../../src/sandbox/context.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.ts';
import { addEntraServicePrincipal } from './sandbox-fixture.ts';

/**
 * A write to the admin endpoint whose answer is lost may or may not have run. `--exchange api`
 * reads the object again before it decides, so a committed write is never sent twice, and an
 * uncommitted one is sent again exactly once (docs/exchange-invoke-command.md). Each write cmdlet
 * of the smtp (with Send As) and smtp-rbac models is broken once at the network edge: answered 503
 * after it ran, or its connection dropped before or after it ran.
 */

let sandbox: Sandbox;
let credential: ClientSecretCredential;

before(async () => {
  sandbox = await startSandbox();
  const s = sandbox.settings;
  credential = new ClientSecretCredential(s.tenantId, s.adminClientId, s.adminClientSecret.reveal(), {
    authorityHost: s.authorityHost,
    disableInstanceDiscovery: true,
  });
  // The sandbox's certificate is trusted for this process the way --ca-file does it.
  const { trustCaFile } = await import('../../src/commands/shared/connection.ts');
  await trustCaFile(s.caFile);
});
after(async () => {
  await sandbox.close();
  await rm(sandbox.settings.dir, { recursive: true, force: true });
});

function apiFor(): ExchangeAdminApi {
  return new ExchangeAdminApi({
    endpoint: sandbox.settings.exchangeEndpoint,
    tenantId: sandbox.settings.tenantId,
    getToken: async () => (await credential.getToken('https://outlook.office365.com/.default')).token,
    clock: systemClock,
    deadlineAt: Date.now() + 60_000,
  });
}

function inputFor(model: ModelName): ExchangeScriptInput {
  const ids = addEntraServicePrincipal(sandbox.ctx);
  return {
    model,
    ...ids,
    displayName: 'Fault mailer',
    mailboxes: ['noreply@contoso.com'],
    ...(model === 'smtp' ? { sendAs: { identities: ['hr@contoso.com'] } } : {}),
    enableSmtpAuth: true,
    connect: { mode: 'device' },
    tenantId: sandbox.settings.tenantId,
    generatedBy: 'entra-mail test',
  };
}

const WRITES: [ModelName, string][] = [
  ['smtp', 'New-ServicePrincipal'],
  ['smtp', 'Add-MailboxPermission'],
  ['smtp', 'Add-RecipientPermission'],
  ['smtp', 'Set-CASMailbox'],
  ['smtp-rbac', 'New-ManagementScope'],
  ['smtp-rbac', 'New-ManagementRoleAssignment'],
];

const FAULTS: { name: string; action: FaultRule['action']; committed: boolean }[] = [
  { name: 'answered 503 after it ran', action: { type: 'status', status: 503, commit: true }, committed: true },
  { name: 'dropped after it ran', action: { type: 'reset', commit: true }, committed: true },
  { name: 'dropped before it ran', action: { type: 'reset' }, committed: false },
];

function writesOf(cmdlet: string, since: number): number {
  return sandbox.ctx.log.slice(since).filter((e) => e.cmdlet === cmdlet).length;
}

describe('--exchange api when a write loses its answer', () => {
  for (const [model, cmdlet] of WRITES) {
    for (const fault of FAULTS) {
      it(`${model} ${cmdlet} ${fault.name}: read back, sent ${fault.committed ? 'once' : 'twice'}, converged; a re-run changes nothing`, async () => {
        const input = inputFor(model);
        // SMTP AUTH back to the organization's default (off), so Set-CASMailbox has something to do.
        for (const mailbox of sandbox.ctx.state.exchange.mailboxes) mailbox.smtpClientAuthenticationDisabled = null;
        sandbox.ctx.faults.push({
          method: 'POST',
          path: /InvokeCommand$/,
          body: new RegExp(`"CmdletName":"${cmdlet}"`),
          action: fault.action,
        } as FaultRule);
        const since = sandbox.ctx.log.length;
        const first = await applyExchangeViaApi(input, apiFor(), systemClock, Date.now() + 60_000);
        assert.ok(
          first.changes.some((c) => c.action !== 'none'),
          'the first run made its objects',
        );
        assert.equal(writesOf(cmdlet, since), fault.committed ? 1 : 2, `${cmdlet} requests`);
        const again = await applyExchangeViaApi(input, apiFor(), systemClock, Date.now() + 60_000);
        assert.deepEqual(
          again.changes.filter((c) => c.action !== 'none'),
          [],
        );
        const x = sandbox.ctx.state.exchange;
        const sp = input.servicePrincipalId;
        assert.equal(x.servicePrincipals.filter((s) => s.appId === input.appId).length, 1);
        assert.ok(x.mailboxPermissions.filter((p) => p.user === sp).length <= 1);
        assert.ok(x.recipientPermissions.filter((p) => p.trustee === sp).length <= 1);
        assert.ok(x.roleAssignments.filter((r) => r.app === sp).length <= 1);
      });
    }
  }
});
