import { EXCHANGE_APP_ID } from '../../core/well-known.ts';
import type { Route, SandboxContext, SandboxRequest, SandboxResponse } from '../context.ts';
import { cmdletErrorResponse, ExchangeCmdletError } from './cmdlet-error.ts';
import type { CmdletTable } from './cmdlet-table.ts';
import { CmdletParameters } from './params.ts';
import { permissionCmdlets } from './permission-cmdlets.ts';
import { rbacCmdlets } from './rbac-cmdlets.ts';
import { servicePrincipalCmdlets } from './service-principal-cmdlets.ts';

/** Audiences an Exchange admin token may carry (docs/exchange-invoke-command.md#sources): the resource URI or the Exchange app id. */
export const EXCHANGE_AUDIENCES = ['https://outlook.office365.com', EXCHANGE_APP_ID];

/** Entra roles that may run the provisioning cmdlets (docs/exchange-powershell.md#roles-needed): Global Administrator, Exchange Administrator. */
const ADMIN_ROLE_TEMPLATES = ['62e90394-69f5-4237-9190-012177145e10', '29232cdf-9323-42fd-ade2-1d097af3e4de'];

/** Every cmdlet the sandbox's Exchange knows; anything else is refused. */
export const EXCHANGE_CMDLETS: CmdletTable = { ...servicePrincipalCmdlets, ...permissionCmdlets, ...rbacCmdlets };

/** Parameters the module may send with any cmdlet; they do not change the outcome here. */
const COMMON_PARAMETERS = ['Confirm', 'WarningAction', 'Verbose', 'Debug'];

/**
 * Exchange Online's admin endpoint, modelled on the REST `InvokeCommand` the V3 module calls
 * (docs/exchange-invoke-command.md): `POST /adminapi/beta/{tenant}/InvokeCommand` with
 * `{ CmdletInput: { CmdletName, Parameters } }`, 200 `{ value: [...] }`, errors as docs/exchange-invoke-command.md#response.
 */
export function exchangeRoutes(ctx: SandboxContext): Route[] {
  return [
    {
      kind: 'exchange',
      method: 'POST',
      path: /^\/adminapi\/beta\/([^/]+)\/InvokeCommand$/i,
      handle: (req, match) => invokeCommand(ctx, req, match[1] ?? ''),
    },
  ];
}

async function invokeCommand(ctx: SandboxContext, req: SandboxRequest, tenant: string): Promise<SandboxResponse> {
  const denied = await authorize(ctx, req, tenant);
  if (denied) return denied;
  let body: { CmdletInput?: { CmdletName?: unknown; Parameters?: unknown } };
  try {
    body = req.json();
  } catch {
    return cmdletErrorResponse(new ExchangeCmdletError(400, 'System.ArgumentException', 'The request body is not JSON.'), req.requestId);
  }
  const name = body.CmdletInput?.CmdletName;
  const cmdletName =
    typeof name === 'string' ? Object.keys(EXCHANGE_CMDLETS).find((known) => known.toLowerCase() === name.toLowerCase()) : undefined;
  const cmdlet = cmdletName === undefined ? undefined : EXCHANGE_CMDLETS[cmdletName];
  if (!cmdletName || !cmdlet) {
    // Exchange answers an unknown (or not-permitted) cmdlet with a bare 403 (docs/exchange-invoke-command.md#response).
    const error = new ExchangeCmdletError(
      403,
      'System.Management.Automation.CommandNotFoundException',
      `The term '${String(name)}' is not recognized as a cmdlet this sandbox's Exchange Online supports.`,
    );
    return cmdletErrorResponse(error, req.requestId);
  }
  try {
    const params = new CmdletParameters(cmdletName, body.CmdletInput?.Parameters, [...cmdlet.parameters, ...COMMON_PARAMETERS]);
    const outcome = cmdlet.run(ctx, params);
    if (outcome.mutated) await ctx.persist();
    const page = pageOf(req, outcome.value);
    const answer: Record<string, unknown> = {
      '@odata.context': `${ctx.origin}/adminapi/beta/${tenant}/$metadata#Collection(Exchange.GenericHashTable)`,
      value: page.value,
    };
    // The next page is the same body POSTed to this link (docs/exchange-invoke-command.md).
    if (page.next !== undefined && !outcome.mutated) {
      answer['@odata.nextLink'] = `${ctx.origin}/adminapi/beta/${tenant}/InvokeCommand?$skiptoken=${page.next}`;
    }
    if (outcome.warnings && outcome.warnings.length > 0) answer['@adminapi.warnings'] = outcome.warnings;
    return {
      status: 200,
      headers: { 'content-type': 'application/json; odata.metadata=minimal', 'request-id': req.requestId },
      body: answer,
    };
  } catch (error) {
    if (error instanceof ExchangeCmdletError) return cmdletErrorResponse(error, req.requestId);
    throw error;
  }
}

/** Bearer token for the Exchange resource, for this tenant, from an Exchange admin; else 401/403. */
async function authorize(ctx: SandboxContext, req: SandboxRequest, tenant: string): Promise<SandboxResponse | undefined> {
  const header = req.headers.authorization ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  const claims = token === undefined ? undefined : await ctx.verifyToken(token, EXCHANGE_AUDIENCES);
  if (!claims) {
    return {
      status: 401,
      headers: {
        'www-authenticate': 'Bearer client_id="00000002-0000-0ff1-ce00-000000000000", error="invalid_token"',
        'request-id': req.requestId,
      },
      body: { error: { code: 'InvalidToken', message: 'The access token is missing, invalid or expired.' } },
    };
  }
  const { state } = ctx;
  const tenantMatches =
    tenant.toLowerCase() === state.tenant.id.toLowerCase() || state.tenant.domains.some((d) => d.toLowerCase() === tenant.toLowerCase());
  if (!tenantMatches || claims.tid !== state.tenant.id) {
    return cmdletErrorResponse(
      new ExchangeCmdletError(
        404,
        'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
        `The tenant '${tenant}' couldn't be found.`,
      ),
      req.requestId,
    );
  }
  // Delegated: an Exchange-capable admin role. App-only: Exchange.ManageAsApp AND such a role
  // (https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2).
  const holdsRole = (claims.wids ?? []).some((wid) => ADMIN_ROLE_TEMPLATES.includes(wid));
  const isAdmin = claims.idtyp === 'app' ? holdsRole && (claims.roles ?? []).includes('Exchange.ManageAsApp') : holdsRole;
  if (!isAdmin) {
    return cmdletErrorResponse(
      new ExchangeCmdletError(
        403,
        'Microsoft.Exchange.Configuration.Tasks.AccessDeniedException',
        'The caller holds no Exchange administrator role.',
      ),
      req.requestId,
    );
  }
  return undefined;
}

/** The page the client asked for: `Prefer: odata.maxpagesize=N` (the module sends 1000), `$skiptoken` from our own next link. */
function pageOf(req: SandboxRequest, value: unknown[]): { value: unknown[]; next: number | undefined } {
  const prefer = /odata\.maxpagesize=(\d+)/i.exec(String(req.headers.prefer ?? ''))?.[1];
  const size = Math.max(1, Math.min(1000, prefer === undefined ? 1000 : Number(prefer)));
  const skip = Number(req.url.searchParams.get('$skiptoken') ?? '0') || 0;
  const end = skip + size;
  return { value: value.slice(skip, end), next: end < value.length ? end : undefined };
}
