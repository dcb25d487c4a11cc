import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExitCode } from '../../src/core/errors.ts';
import { verifyApp } from '../../src/mail/verify.ts';
import { provisionApp, startMailSandbox } from './helpers/mail-sandbox.ts';
import { createTestClock } from './helpers/test-clock.ts';
import { runCli, startTestTenant } from '../helpers/cli.ts';

/**
 * A role consented a moment ago reaches the app's tokens only once the assignment has replicated
 * (docs/graph-service-principals-and-consent.md; the sandbox leaves an unreplicated assignment out
 * of `roles`). `provision --verify` right after the consent must wait for it within its deadline,
 * or report pending (exit 7), never "not consented" (exit 4).
 */
describe('provision --verify right after a new consent', () => {
  const run = async (replicationMs: number) => {
    const clock = createTestClock(Date.now());
    const t = await startTestTenant({ clock, knobs: { replicationMs } });
    try {
      const r = await runCli(
        [
          'provision',
          ...t.common,
          '--model',
          'graph',
          '--unique-name',
          'fresh-consent',
          '--mailbox',
          'noreply@contoso.com',
          '--verify',
          '--json',
        ],
        { env: t.env, cwd: t.dir, clock },
      );
      return {
        ...r,
        report: JSON.parse(r.stdout || '{}').verify as
          | { checks: { id: string; status: string; detail: string; cause?: string; retryAfter?: string }[] }
          | undefined,
      };
    } finally {
      await t.close();
    }
  };

  it('waits while the consent replicates, then passes', async () => {
    const r = await run(60_000);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const claims = r.report?.checks.find((c) => c.id === 'claims');
    assert.equal(claims?.status, 'pass');
    // The first token lacked the role: verify had to wait for it (the sandbox replicates it late).
    assert.match(claims?.detail ?? '', /the new consent reached the token \d+ s after it was granted/);
  });

  it('past its wait, reports pending with a time to retry: exit 7, not exit 4', async () => {
    const sandbox = await startMailSandbox();
    try {
      const app = provisionApp(sandbox.ctx, 'graph', 'noreply@contoso.com');
      // The consent has not replicated: the sandbox leaves the assignment out of the app's tokens.
      const state = sandbox.ctx.state;
      const sp = state.servicePrincipals.find((s) => s.appId === app.clientId);
      for (const a of state.appRoleAssignments.filter((x) => x.principalId === sp?.id))
        state.replicatedAt[a.id] = sandbox.clock.nowMs() + 3_600_000;
      const input = {
        model: 'graph' as const,
        tenantId: state.tenant.id,
        clientId: app.clientId,
        credential: { kind: 'secret' as const, secret: app.secret },
        mailbox: 'noreply@contoso.com',
        to: 'noreply@contoso.com',
        endpoints: sandbox.endpoints,
        graphScope: 'https://graph.microsoft.com/.default',
        sendTestMessage: true,
        secretPropagationDeadlineMs: 120_000,
      };
      const fresh = await verifyApp({ ...input, consentAppliedAt: sandbox.clock.now(), consentWaitMs: 20_000 }, { clock: sandbox.clock });
      const claims = fresh.checks.find((c) => c.id === 'claims');
      assert.equal(fresh.exitCode, ExitCode.service);
      assert.equal(claims?.status, 'pending');
      assert.equal(claims?.cause, 'consent-propagating');
      assert.ok(claims?.retryAfter);
      // Without a consent of its own to wait for, the same token is "not consented" (exit 4).
      assert.equal((await verifyApp(input, { clock: sandbox.clock })).exitCode, ExitCode.permission);
    } finally {
      await sandbox.close();
    }
  });
});
