import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addEntraServicePrincipal, adminToken, createExchangeContext, invoke } from './sandbox-fixture.ts';

const detail = (response: Awaited<ReturnType<typeof invoke>>) => response.body.error?.details[0]?.message ?? '';

describe('sandbox Exchange InvokeCommand', () => {
  it('requires an Exchange-audience bearer token from an admin', async () => {
    const ctx = await createExchangeContext();
    assert.equal((await invoke(ctx, undefined, 'Get-ServicePrincipal')).status, 401);
    const graphToken = await ctx.signToken({ aud: 'https://graph.microsoft.com', tid: ctx.state.tenant.id, oid: 'x', sub: 'x', wids: [] });
    assert.equal((await invoke(ctx, graphToken, 'Get-ServicePrincipal')).status, 401);
    assert.equal((await invoke(ctx, await adminToken(ctx, []), 'Get-ServicePrincipal')).status, 403);
    assert.equal((await invoke(ctx, await adminToken(ctx), 'Get-ServicePrincipal')).status, 200);
  });

  it('New-ServicePrincipal wants the service principal id: the app registration id fails with AADServicePrincipalNotFound', async () => {
    const ctx = await createExchangeContext();
    const token = await adminToken(ctx);
    const { appId, servicePrincipalId, applicationObjectId } = addEntraServicePrincipal(ctx);
    const wrong = await invoke(ctx, token, 'New-ServicePrincipal', { AppId: appId, ObjectId: applicationObjectId });
    assert.equal(wrong.status, 400);
    assert.match(
      detail(wrong),
      /^Ex[0-9A-F]+\|Microsoft\.Exchange\.[\w.]+Exception\|AADServicePrincipalNotFound\. No ServicePrincipal with Object Id '/,
    );
    assert.equal((await invoke(ctx, token, 'New-ServicePrincipal', { AppId: appId, ObjectId: appId })).status, 400);
    assert.equal(ctx.state.exchange.servicePrincipals.length, 0);

    const right = await invoke(ctx, token, 'New-ServicePrincipal', { AppId: appId, ObjectId: servicePrincipalId, DisplayName: 'Mailer' });
    assert.equal(right.status, 200);
    assert.equal(right.body.value?.[0]?.Identity, servicePrincipalId);
    assert.equal(
      (await invoke(ctx, token, 'New-ServicePrincipal', { AppId: appId, ObjectId: servicePrincipalId })).status,
      400,
      'duplicate AppId',
    );
    assert.equal(
      (await invoke(ctx, token, 'New-ServicePrincipal', { AppId: appId, ObjectId: servicePrincipalId, Organization: 'x' })).status,
      400,
    );
  });

  it('New-ServicePrincipal fails the same way while the Entra service principal has not replicated', async () => {
    const ctx = await createExchangeContext();
    const token = await adminToken(ctx);
    const { appId, servicePrincipalId } = addEntraServicePrincipal(ctx);
    ctx.state.replicatedAt[servicePrincipalId] = ctx.clock.nowMs() + 60_000;
    const early = await invoke(ctx, token, 'New-ServicePrincipal', { AppId: appId, ObjectId: servicePrincipalId });
    assert.match(detail(early), /AADServicePrincipalNotFound/);
    ctx.state.replicatedAt[servicePrincipalId] = ctx.clock.nowMs() - 1;
    assert.equal((await invoke(ctx, token, 'New-ServicePrincipal', { AppId: appId, ObjectId: servicePrincipalId })).status, 200);
  });

  it('Add-MailboxPermission on an existing ACE is a warning, and an unknown mailbox is a 404', async () => {
    const ctx = await createExchangeContext();
    const token = await adminToken(ctx);
    const { appId, servicePrincipalId } = addEntraServicePrincipal(ctx);
    await invoke(ctx, token, 'New-ServicePrincipal', { AppId: appId, ObjectId: servicePrincipalId });
    const params = { Identity: 'noreply@contoso.com', User: servicePrincipalId, AccessRights: ['FullAccess'], AutoMapping: false };
    assert.equal((await invoke(ctx, token, 'Add-MailboxPermission', params)).status, 200);
    const again = await invoke(ctx, token, 'Add-MailboxPermission', params);
    assert.equal(again.status, 200);
    assert.match(again.body['@adminapi.warnings']?.[0] ?? '', /access control entry is already present/);
    assert.equal(ctx.state.exchange.mailboxPermissions.length, 1);
    const missing = await invoke(ctx, token, 'Add-MailboxPermission', { ...params, Identity: 'nobody@contoso.com' });
    assert.equal(missing.status, 404);
    assert.match(
      detail(missing),
      /ManagementObjectNotFoundException\|The operation couldn't be performed because object 'nobody@contoso.com'/,
    );
  });

  it('scopes, role assignments and Test-ServicePrincipalAuthorization (InScope at once: the test bypasses the cache)', async () => {
    const ctx = await createExchangeContext();
    ctx.state.exchange.rbacPropagationMs = 3_600_000;
    ctx.state.exchange.mailboxes.push({
      address: "o'neil@contoso.com",
      displayName: "O'Neil",
      licensed: true,
      smtpClientAuthenticationDisabled: null,
    });
    const token = await adminToken(ctx);
    const { appId, servicePrincipalId } = addEntraServicePrincipal(ctx);
    await invoke(ctx, token, 'New-ServicePrincipal', { AppId: appId, ObjectId: servicePrincipalId });
    assert.equal(
      (
        await invoke(ctx, token, 'New-ManagementScope', {
          Name: 's',
          RecipientRestrictionFilter: "PrimarySmtpAddress -eq 'o''neil@contoso.com'",
        })
      ).status,
      200,
    );
    assert.equal(
      (await invoke(ctx, token, 'New-ManagementScope', { Name: 'bad', RecipientRestrictionFilter: "PrimarySmtpAddress -eq 'o'neil'" }))
        .status,
      400,
    );
    const assign = await invoke(ctx, token, 'New-ManagementRoleAssignment', {
      Name: 'a',
      App: servicePrincipalId,
      Role: 'Application SMTP.SendAsApp',
      CustomResourceScope: 's',
    });
    assert.equal(assign.status, 200);
    const inScope = await invoke(ctx, token, 'Test-ServicePrincipalAuthorization', {
      Identity: servicePrincipalId,
      Resource: "o'neil@contoso.com",
    });
    assert.equal(inScope.body.value?.[0]?.InScope, true);
    const outOfScope = await invoke(ctx, token, 'Test-ServicePrincipalAuthorization', {
      Identity: servicePrincipalId,
      Resource: 'hr@contoso.com',
    });
    assert.equal(outOfScope.body.value?.[0]?.InScope, false);
    assert.equal((await invoke(ctx, token, 'Remove-ManagementScope', { Identity: 's' })).status, 400, 'in use');
    assert.equal(
      (
        await invoke(ctx, token, 'New-ManagementRoleAssignment', {
          Name: 'b',
          App: servicePrincipalId,
          Role: 'Application Nonsense',
          CustomResourceScope: 's',
        })
      ).status,
      404,
    );
  });

  it('Set-CASMailbox changes the per-mailbox SMTP AUTH switch; unknown cmdlets and parameters are refused', async () => {
    const ctx = await createExchangeContext();
    const token = await adminToken(ctx);
    assert.equal(
      (await invoke(ctx, token, 'Set-CASMailbox', { Identity: 'hr@contoso.com', SmtpClientAuthenticationDisabled: false })).status,
      200,
    );
    assert.equal(ctx.state.exchange.mailboxes.find((m) => m.address === 'hr@contoso.com')?.smtpClientAuthenticationDisabled, false);
    const cas = await invoke(ctx, token, 'Get-CASMailbox', { Identity: 'HR@contoso.com' });
    assert.equal(cas.body.value?.[0]?.SmtpClientAuthenticationDisabled, false);
    assert.equal((await invoke(ctx, token, 'Get-TransportConfig')).body.value?.[0]?.SmtpClientAuthenticationDisabled, true);
    assert.equal((await invoke(ctx, token, 'Remove-Mailbox', { Identity: 'hr@contoso.com' })).status, 403);
    assert.equal((await invoke(ctx, token, 'Set-CASMailbox', { Identity: 'hr@contoso.com', PopEnabled: false })).status, 400);
    assert.equal(ctx.state.exchange.mailboxes.length, 4);
  });
});
