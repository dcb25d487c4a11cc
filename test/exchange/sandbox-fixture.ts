import { randomUUID } from 'node:crypto';
import { systemClock } from '../../src/core/clock.ts';
import type { SandboxContext, SandboxRequest } from '../../src/sandbox/context.ts';
import { createSandboxContext } from '../../src/sandbox/create-context.ts';
import { exchangeRoutes } from '../../src/sandbox/exchange/routes.ts';
import { createInitialState } from '../../src/sandbox/initial-state.ts';
import { createSigningKey } from '../../src/sandbox/token/signing-key.ts';
import { DIRECTORY_ROLES } from '../../src/core/well-known.ts';

/** A sandbox context without a server, for calling the Exchange route handler directly. */
export async function createExchangeContext(): Promise<SandboxContext> {
  const ctx = createSandboxContext({
    state: createInitialState(),
    clock: systemClock,
    knobs: { latencyMs: 0, replicationMs: 0, throttleEvery: 0, throttleRetryAfterSeconds: 0, failRate: 0 },
    signingKey: await createSigningKey(),
  });
  ctx.origin = 'https://127.0.0.1:1';
  return ctx;
}

/** Adds an Entra app's service principal (as Graph would have created it); returns its ids. */
export function addEntraServicePrincipal(
  ctx: SandboxContext,
  displayName = 'Contoso Mailer',
): { appId: string; servicePrincipalId: string; applicationObjectId: string } {
  const appId = randomUUID();
  const servicePrincipalId = randomUUID();
  const applicationObjectId = randomUUID();
  ctx.state.servicePrincipals.push({
    id: servicePrincipalId,
    appId,
    displayName,
    accountEnabled: true,
    servicePrincipalType: 'Application',
    appOwnerOrganizationId: ctx.state.tenant.id,
    tags: [],
    appRoles: [],
    oauth2PermissionScopes: [],
    notes: null,
    description: null,
  });
  return { appId, servicePrincipalId, applicationObjectId };
}

/** An Exchange admin token (Global Administrator) for the sandbox tenant. */
export function adminToken(ctx: SandboxContext, wids: string[] = [DIRECTORY_ROLES['Global Administrator']]): Promise<string> {
  const oid = randomUUID();
  return ctx.signToken({
    aud: 'https://outlook.office365.com',
    tid: ctx.state.tenant.id,
    oid,
    sub: oid,
    wids,
    idtyp: 'user',
    upn: 'admin@contoso.onmicrosoft.com',
  });
}

/** Calls InvokeCommand through the route's handler. */
export async function invoke(ctx: SandboxContext, token: string | undefined, cmdletName: string, parameters: Record<string, unknown> = {}) {
  const [route] = exchangeRoutes(ctx);
  const path = `/adminapi/beta/${ctx.state.tenant.id}/InvokeCommand`;
  const body = Buffer.from(JSON.stringify({ CmdletInput: { CmdletName: cmdletName, Parameters: parameters } }));
  const req: SandboxRequest = {
    method: 'POST',
    url: new URL(path, ctx.origin),
    path,
    body,
    requestId: randomUUID(),
    clientRequestId: undefined,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    json: <T>() => JSON.parse(body.toString('utf8')) as T,
    form: () => new URLSearchParams(),
  };
  const match = route!.path.exec(path);
  if (!match) throw new Error('route does not match');
  const response = await route!.handle(req, match);
  return response as {
    status: number;
    body: { value?: Record<string, unknown>[]; '@adminapi.warnings'?: string[]; error?: { code: string; details: { message: string }[] } };
  };
}
