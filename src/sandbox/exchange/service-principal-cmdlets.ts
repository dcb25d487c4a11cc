import type { CmdletTable } from './cmdlet-table.ts';
import { badRequest, ExchangeCmdletError } from './cmdlet-error.ts';
import { describeServicePrincipal, findServicePrincipal, resolveServicePrincipal } from './resolve.ts';

/**
 * Get-/New-/Remove-ServicePrincipal (docs/exchange-powershell.md#new-serviceprincipal-and-which-objectid, docs/exchange-powershell.md#get-serviceprincipal). New validates like Exchange
 * Online in 2026: ObjectId must be an Entra service principal of that AppId that has replicated,
 * else AADServicePrincipalNotFound — the app registration's id is the classic mistake (docs/exchange-powershell.md#new-serviceprincipal-and-which-objectid, docs/diagnostics.md).
 */
export const servicePrincipalCmdlets: CmdletTable = {
  'Get-ServicePrincipal': {
    parameters: ['Identity'],
    run(ctx, params) {
      const all = ctx.state.exchange.servicePrincipals;
      const identity = params.optionalString('Identity');
      // Documented caution (docs/exchange-powershell.md#get-serviceprincipal): an Identity that matches nothing returns every object.
      const found = identity === undefined ? undefined : findServicePrincipal(ctx.state.exchange, identity);
      return { value: (found ? [found] : all).map(describeServicePrincipal) };
    },
  },
  'New-ServicePrincipal': {
    parameters: ['AppId', 'ObjectId', 'ServiceId', 'DisplayName', 'Organization'],
    run(ctx, params) {
      if (params.has('Organization')) throw badRequest('The Organization parameter is reserved for internal Microsoft use.');
      const appId = params.string('AppId').toLowerCase();
      const objectId = (params.optionalString('ObjectId') ?? params.string('ServiceId')).toLowerCase();
      const entra = ctx.state.servicePrincipals.find((sp) => sp.id.toLowerCase() === objectId && sp.appId.toLowerCase() === appId);
      if (!entra || !ctx.isReplicated(entra.id)) {
        throw new ExchangeCmdletError(
          400,
          'Microsoft.Exchange.Management.Tasks.AADServicePrincipalNotFoundException',
          `AADServicePrincipalNotFound. No ServicePrincipal with Object Id '${objectId}' and App Id '${appId}' is registered in Microsoft Entra ID for this organization.`,
          'Ex2C1B6E',
        );
      }
      if (ctx.state.exchange.servicePrincipals.some((sp) => sp.appId.toLowerCase() === appId)) {
        throw badRequest(
          `A service principal with AppId '${appId}' already exists.`,
          'Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException',
        );
      }
      const sp = {
        identity: entra.id,
        appId: entra.appId,
        objectId: entra.id,
        displayName: params.optionalString('DisplayName') ?? entra.displayName,
        createdAt: ctx.clock.nowMs(),
      };
      ctx.state.exchange.servicePrincipals.push(sp);
      return { value: [describeServicePrincipal(sp)], mutated: true };
    },
  },
  'Remove-ServicePrincipal': {
    parameters: ['Identity', 'Confirm'],
    run(ctx, params) {
      const sp = resolveServicePrincipal(ctx.state.exchange, params.string('Identity'));
      ctx.state.exchange.servicePrincipals = ctx.state.exchange.servicePrincipals.filter((other) => other !== sp);
      return { value: [], mutated: true };
    },
  },
};
