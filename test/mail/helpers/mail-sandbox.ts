import { createHash, randomBytes, randomUUID } from 'node:crypto';
import tls from 'node:tls';
import { resolveEndpoints } from '../../../src/core/cloud.ts';
import type { CloudEndpoints } from '../../../src/core/cloud.ts';
import type { ExchangeObservation } from '../../../src/mail/types.ts';
import { MODELS } from '../../../src/core/models.ts';
import type { ModelName } from '../../../src/core/models.ts';
import { Secret } from '../../../src/core/secret.ts';
import type { SandboxContext } from '../../../src/sandbox/context.ts';
import { createSandboxContext } from '../../../src/sandbox/create-context.ts';
import { sendMailRoutes } from '../../../src/sandbox/graph/send-mail.ts';
import { resolveKnobs } from '../../../src/sandbox/knobs.ts';
import { startHttpsServer } from '../../../src/sandbox/server.ts';
import { findExchangeServicePrincipal, findRbacGrant, hasFullAccess } from '../../../src/sandbox/smtp/exchange-authorization.ts';
import { startSandboxSmtp } from '../../../src/sandbox/smtp/server.ts';
import { createInitialState } from '../../../src/sandbox/initial-state.ts';
import { createSandboxCertificates } from '../../../src/sandbox/tls/certificates.ts';
import { discoveryRoutes } from '../../../src/sandbox/token/discovery-routes.ts';
import { createSigningKey } from '../../../src/sandbox/token/signing-key.ts';
import { tokenRoutes } from '../../../src/sandbox/token/token-routes.ts';
import { createTestClock } from './test-clock.ts';
import type { TestClock } from './test-clock.ts';

/**
 * The sandbox pieces verify talks to — token endpoint, Graph sendMail, SMTP submission — on
 * loopback with real TLS, for tests. Tenant state is written directly (the provisioning code is
 * not under test here).
 */
export interface MailSandbox {
  ctx: SandboxContext;
  clock: TestClock;
  endpoints: CloudEndpoints;
  close(): Promise<void>;
}

export async function startMailSandbox(): Promise<MailSandbox> {
  const clock = createTestClock(Date.now());
  const state = createInitialState({ now: clock.now() });
  const signingKey = await createSigningKey();
  const ctx = createSandboxContext({ state, clock, knobs: resolveKnobs(), signingKey });
  const certificates = await createSandboxCertificates(clock.now());
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), certificates.caPem]);
  const tlsMaterial = { key: certificates.keyPem, cert: certificates.certPem };
  const https = await startHttpsServer(
    ctx,
    [...discoveryRoutes(ctx, signingKey), ...tokenRoutes(ctx, signingKey), ...sendMailRoutes(ctx)],
    tlsMaterial,
    0,
  );
  const smtp = await startSandboxSmtp(ctx, { port: 0, ...tlsMaterial });
  const endpoints = resolveEndpoints('global', {
    authorityHost: https.origin,
    graphEndpoint: https.origin,
    smtpHost: `127.0.0.1:${smtp.port}`,
  });
  return { ctx, clock, endpoints, close: async () => void (await Promise.all([https.close(), smtp.close()])) };
}

export interface SandboxApp {
  clientId: string;
  servicePrincipalId: string;
  applicationObjectId: string;
  secret: Secret;
  secretKeyId: string;
}

/**
 * Set the tenant up for `model` the way provision + the Exchange script would: app, service
 * principal, consent (app role assignment), Exchange service principal, FullAccess or RBAC scope +
 * assignment, SMTP AUTH enabled on the mailbox.
 */
export function provisionApp(ctx: SandboxContext, model: ModelName, mailbox: string): SandboxApp {
  const state = ctx.state;
  const now = ctx.clock.now();
  const definition = MODELS[model];
  const clientId = randomUUID();
  const applicationObjectId = randomUUID();
  const servicePrincipalId = randomUUID();
  const secretText = `${randomBytes(3).toString('hex')}~${randomBytes(24).toString('base64url')}`;
  const secretKeyId = randomUUID();
  const displayName = `mailer-${model}`;
  state.applications.push({
    id: applicationObjectId,
    appId: clientId,
    uniqueName: displayName,
    displayName,
    signInAudience: 'AzureADMyOrg',
    description: null,
    notes: null,
    tags: [],
    web: { redirectUris: [] },
    publicClient: { redirectUris: [] },
    requiredResourceAccess: [],
    keyCredentials: [],
    createdDateTime: now.toISOString(),
    publisherDomain: 'contoso.onmicrosoft.com',
    passwordCredentials: [
      {
        keyId: secretKeyId,
        displayName: 'entra-mail',
        hint: secretText.slice(0, 3),
        startDateTime: new Date(now.getTime() - 60_000).toISOString(),
        endDateTime: new Date(now.getTime() + 180 * 86400_000).toISOString(),
        customKeyIdentifier: null,
        secretSha256: createHash('sha256').update(secretText).digest('hex'),
      },
    ],
  });
  state.servicePrincipals.push({
    id: servicePrincipalId,
    appId: clientId,
    displayName,
    accountEnabled: true,
    servicePrincipalType: 'Application',
    appOwnerOrganizationId: state.tenant.id,
    tags: [],
    appRoles: [],
    oauth2PermissionScopes: [],
    notes: null,
    description: null,
  });
  for (const permission of definition.permissions.filter((p) => p.type === 'Role')) {
    const resource = state.servicePrincipals.find((sp) => sp.appId === permission.resourceAppId);
    const role = resource?.appRoles.find((r) => r.value === permission.value);
    if (!resource || !role) throw new Error(`no role ${permission.value}`);
    state.appRoleAssignments.push({
      id: randomUUID(),
      appRoleId: role.id,
      principalId: servicePrincipalId,
      principalType: 'ServicePrincipal',
      principalDisplayName: displayName,
      resourceId: resource.id,
      resourceDisplayName: resource.displayName,
      createdDateTime: now.toISOString(),
    });
  }
  const exchange = state.exchange;
  if (definition.exchange.servicePrincipal) {
    exchange.servicePrincipals.push({
      identity: servicePrincipalId,
      appId: clientId,
      objectId: servicePrincipalId,
      displayName,
      createdAt: now.getTime(),
    });
  }
  if (definition.exchange.fullAccess)
    exchange.mailboxPermissions.push({ identity: mailbox, user: servicePrincipalId, accessRights: 'FullAccess' });
  if (definition.exchange.rbacRole) {
    const scope = `${displayName}-scope`;
    exchange.managementScopes.push({ name: scope, recipientRestrictionFilter: `PrimarySmtpAddress -eq '${mailbox.replace(/'/g, "''")}'` });
    exchange.roleAssignments.push({
      name: `${displayName}-${definition.exchange.rbacRole}`,
      app: servicePrincipalId,
      role: definition.exchange.rbacRole,
      customResourceScope: scope,
      createdAt: now.getTime() - exchange.rbacPropagationMs,
    });
  }
  if (definition.exchange.smtpAuth) {
    const box = exchange.mailboxes.find((m) => m.address === mailbox.toLowerCase());
    if (box) box.smtpClientAuthenticationDisabled = false;
  }
  return { clientId, servicePrincipalId, applicationObjectId, secret: new Secret(secretText), secretKeyId };
}

/** What `Get-ServicePrincipal`/`Get-MailboxPermission`/`Get-ManagementRoleAssignment` would show, read from the sandbox. */
export function observeSandboxExchange(ctx: SandboxContext, model: ModelName) {
  return async (query: { appId: string; servicePrincipalObjectId: string; mailbox: string }): Promise<ExchangeObservation> => {
    const exchange = ctx.state.exchange;
    const box = exchange.mailboxes.find((m) => m.address === query.mailbox.toLowerCase());
    const byApp = exchange.servicePrincipals.find((sp) => sp.appId === query.appId);
    const sp = findExchangeServicePrincipal(exchange, { appid: query.appId, oid: query.servicePrincipalObjectId } as never);
    const servicePrincipal: ExchangeObservation['servicePrincipal'] = sp
      ? { status: 'ok', identity: sp.identity }
      : byApp
        ? { status: 'wrong-object-id', registeredObjectId: byApp.objectId }
        : { status: 'missing' };
    const role = MODELS[model].exchange.rbacRole;
    const assignment = sp && role ? exchange.roleAssignments.find((a) => a.role === role && a.app === sp.identity) : undefined;
    const inScope = sp && role ? findRbacGrant(exchange, sp, role, query.mailbox, Number.MAX_SAFE_INTEGER).status === 'effective' : false;
    return {
      mailbox: !box ? 'missing' : box.licensed ? 'ok' : 'unlicensed',
      servicePrincipal,
      fullAccess: sp ? hasFullAccess(exchange, sp, query.mailbox) : false,
      ...(assignment && inScope ? { rbacAssignmentCreatedAt: new Date(assignment.createdAt) } : {}),
    };
  };
}
