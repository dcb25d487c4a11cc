import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExternalToolError } from '../../src/core/errors.ts';
import { runExchangeScript } from '../../src/exchange/runner.ts';
import type { ExchangeScriptInput } from '../../src/exchange/script.ts';
import { renderExchangeRemovalScript, renderExchangeScript } from '../../src/exchange/script.ts';
import type { Sandbox } from '../../src/sandbox/index.ts';
import { startSandbox } from '../../src/sandbox/index.ts';
import { PWSH_STAND_IN } from '../../scripts/lib/entry.ts';
import { addEntraServicePrincipal } from './sandbox-fixture.ts';

let sandbox: Sandbox;
let dir: string;

before(async () => {
  sandbox = await startSandbox({ pwshEntry: PWSH_STAND_IN });
  dir = await mkdtemp(join(tmpdir(), 'entra-mail-exchange-test-'));
  sandbox.ctx.state.exchange.mailboxes.push({
    address: "o'neil@contoso.com",
    displayName: "O'Neil",
    licensed: true,
    smtpClientAuthenticationDisabled: null,
  });
});
after(async () => {
  await sandbox.close();
  await rm(sandbox.settings.dir, { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
});

async function run(name: string, script: string) {
  const scriptPath = join(dir, `${name}.ps1`);
  await writeFile(scriptPath, script);
  return runExchangeScript({ pwshPath: sandbox.settings.pwshPath, scriptPath, environment: process.env });
}

function inputFor(ids: { appId: string; servicePrincipalId: string }, overrides: Partial<ExchangeScriptInput> = {}): ExchangeScriptInput {
  return {
    model: 'smtp',
    ...ids,
    displayName: "Mailer '$(Remove-Mailbox)'",
    mailboxes: ['noreply@contoso.com', "o'neil@contoso.com"],
    sendAs: { identities: ['hr@contoso.com'] },
    enableSmtpAuth: true,
    connect: { mode: 'device' },
    tenantId: sandbox.ctx.state.tenant.id,
    generatedBy: 'entra-mail 0.1.0',
    ...overrides,
  };
}

describe('the pwsh stand-in against the sandbox', () => {
  it('is an owner-only executable wrapper (0700) with a 0600 session file and no token in its argv', async () => {
    const wrapper = await readFile(sandbox.settings.pwshPath, 'utf8');
    assert.equal((await stat(sandbox.settings.pwshPath)).mode & 0o777, 0o700);
    assert.equal((await stat(join(sandbox.settings.dir, 'pwsh-session.json'))).mode & 0o777, 0o600);
    assert.doesNotMatch(wrapper, /eyJ/);
  });

  it('applies the smtp script, and a second run changes nothing', async () => {
    const ids = addEntraServicePrincipal(sandbox.ctx);
    const script = renderExchangeScript(inputFor(ids));
    const first = await run('smtp-1', script);
    assert.equal(first.status, 'applied');
    assert.deepEqual(
      first.changes.map((c) => c.action),
      ['create', 'create', 'create', 'create', 'update', 'update'],
    );
    assert.equal(first.servicePrincipal?.identity, ids.servicePrincipalId);
    const exchange = sandbox.ctx.state.exchange;
    const sp = exchange.servicePrincipals.find((s) => s.appId === ids.appId);
    assert.equal(sp?.objectId, ids.servicePrincipalId);
    assert.equal(sp?.displayName, "Mailer '$(Remove-Mailbox)'");
    assert.deepEqual(
      exchange.mailboxPermissions.filter((p) => p.user === ids.servicePrincipalId).map((p) => p.identity),
      ['noreply@contoso.com', "o'neil@contoso.com"],
    );
    assert.deepEqual(
      exchange.recipientPermissions.filter((p) => p.trustee === ids.servicePrincipalId).map((p) => p.identity),
      ['hr@contoso.com'],
    );

    const before = structuredClone(exchange);
    const second = await run('smtp-2', script);
    assert.ok(second.changes.length === 6 && second.changes.every((c) => c.action === 'none'), JSON.stringify(second.changes));
    assert.deepEqual(sandbox.ctx.state.exchange, before);
  });

  it("catches the vendor guides' mistake: the app registration id as ObjectId fails with AADServicePrincipalNotFound", async () => {
    const ids = addEntraServicePrincipal(sandbox.ctx);
    const script = renderExchangeScript(inputFor({ appId: ids.appId, servicePrincipalId: ids.applicationObjectId }));
    await assert.rejects(run('wrong-id', script), (error: unknown) => {
      assert.ok(error instanceof ExternalToolError);
      assert.equal(error.exitCode, 6);
      assert.equal(error.step, 'exchange');
      assert.match(error.message, /AADServicePrincipalNotFound\. No ServicePrincipal with Object Id '/);
      return true;
    });
    assert.equal(
      sandbox.ctx.state.exchange.servicePrincipals.some((s) => s.appId === ids.appId),
      false,
    );
  });

  it('retries New-ServicePrincipal while the Entra service principal is inside the replication window', async () => {
    const ids = addEntraServicePrincipal(sandbox.ctx);
    const visibleAt = sandbox.ctx.clock.nowMs() + 400;
    sandbox.ctx.state.replicatedAt[ids.servicePrincipalId] = visibleAt;
    const result = await run('replication', renderExchangeScript(inputFor(ids)));
    assert.equal(result.changes[0]?.action, 'create');
    const sp = sandbox.ctx.state.exchange.servicePrincipals.find((s) => s.appId === ids.appId);
    assert.ok(sp && sp.createdAt >= visibleAt, 'created only after the window, by the retry loop');
  });

  it('provisions smtp-rbac with the OPATH filter intact, reports applied, and converges', async () => {
    const ids = addEntraServicePrincipal(sandbox.ctx);
    const script = renderExchangeScript(inputFor(ids, { model: 'smtp-rbac', sendAs: undefined }));
    const first = await run('rbac-1', script);
    assert.equal(first.status, 'applied');
    const scope = sandbox.ctx.state.exchange.managementScopes.find((s) => s.name === `entra-mail-${ids.appId}`);
    assert.equal(
      scope?.recipientRestrictionFilter,
      "PrimarySmtpAddress -eq 'noreply@contoso.com' -or PrimarySmtpAddress -eq 'o''neil@contoso.com'",
    );
    // Exchange reads the filter back as RecipientFilter and may add parentheses and change spacing and
    // case (docs/exchange-powershell.md): the script compares without them, so a re-run changes nothing.
    if (scope)
      scope.recipientRestrictionFilter =
        "((PrimarySmtpAddress -eq 'NoReply@contoso.com') -or (PrimarySmtpAddress -eq 'o''neil@contoso.com'))";
    const second = await run('rbac-2', script);
    assert.ok(second.changes.length > 0 && second.changes.every((c) => c.action === 'none'), JSON.stringify(second.changes));
    assert.equal(sandbox.ctx.state.exchange.roleAssignments.filter((a) => a.app === ids.servicePrincipalId).length, 1);
  });

  it('reports pending, and never recreates the assignment, while the test cmdlet shows it out of scope (docs/reliability.md#exchange-propagation)', async () => {
    const ids = addEntraServicePrincipal(sandbox.ctx);
    // A scope whose filter does not cover the test mailbox: the sandbox has no groups, so a
    // group-membership filter is never in scope.
    const rendered = renderExchangeScript(inputFor(ids, { model: 'graph-rbac', sendAs: undefined, mailboxes: ['noreply@contoso.com'] }));
    const script = rendered.replace(/^\$ScopeFilter = .*$/m, "$ScopeFilter = 'MemberOfGroup -eq ''CN=Mail senders,OU=Groups,DC=contoso'''");
    assert.notEqual(script, rendered);
    for (const name of ['pending-1', 'pending-2']) {
      const result = await run(name, script);
      assert.equal(result.status, 'pending');
      assert.ok(result.warnings.some((w) => /not yet in scope for noreply@contoso\.com/.test(w)));
    }
    assert.equal(sandbox.ctx.state.exchange.roleAssignments.filter((a) => a.app === ids.servicePrincipalId).length, 1);
  });

  it('removes what the smtp script created, and a second removal changes nothing', async () => {
    const ids = addEntraServicePrincipal(sandbox.ctx);
    const input = inputFor(ids);
    await run('remove-setup', renderExchangeScript(input));
    const removed = await run('remove-1', renderExchangeRemovalScript(input));
    assert.deepEqual(
      removed.changes.map((c) => c.action),
      ['remove', 'remove', 'remove', 'remove'],
    );
    const exchange = sandbox.ctx.state.exchange;
    assert.equal(
      exchange.servicePrincipals.some((s) => s.appId === ids.appId),
      false,
    );
    assert.equal(
      exchange.mailboxPermissions.some((p) => p.user === ids.servicePrincipalId),
      false,
    );
    const again = await run('remove-2', renderExchangeRemovalScript(input));
    assert.ok(again.changes.every((c) => c.action === 'none'));
  });

  it('refuses a script with a cmdlet it does not know, before anything runs', async () => {
    const script =
      "$ErrorActionPreference = 'Stop'\nConnect-ExchangeOnline -Device -ShowBanner:$false\nSet-CASMailbox -Identity 'alerts@contoso.com' -SmtpClientAuthenticationDisabled $false\nRemove-Mailbox -Identity 'hr@contoso.com' -Confirm:$false\n";
    await assert.rejects(
      run('unknown', script),
      (error: unknown) => error instanceof ExternalToolError && /stand-in does not support the command Remove-Mailbox/.test(error.message),
    );
    assert.ok(sandbox.ctx.state.exchange.mailboxes.some((m) => m.address === 'hr@contoso.com'));
    assert.equal(
      sandbox.ctx.state.exchange.mailboxes.find((m) => m.address === 'alerts@contoso.com')?.smtpClientAuthenticationDisabled,
      null,
      'nothing before it ran either',
    );
  });

  it("redacts anything shaped like a token from a failing script's error text", async () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXRleHQ';
    await assert.rejects(run('leak', `throw ('Bearer ' + '${jwt}')\n`), (error: unknown) => {
      assert.ok(error instanceof ExternalToolError);
      assert.doesNotMatch(error.message, /eyJ/);
      assert.match(error.message, /\[redacted\]/);
      return true;
    });
  });
});
