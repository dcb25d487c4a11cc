import type { Clock } from '../../core/clock.ts';
import { ServiceError } from '../../core/errors.ts';
import { MODELS } from '../../core/models.ts';
import type { ExchangeScriptResult } from '../result.ts';
import { buildScopeFilter, defaultScopeName, roleAssignmentName } from '../scope-filter.ts';
import type { ExchangeScriptInput } from '../script-input.ts';
import { uniqueAddresses, validateExchangeScriptInput } from '../script-input.ts';
import type { ExchangeAdminApi } from './client.ts';
import { CmdletFailure, mapFailure } from './failures.ts';
import { type Change, converge } from './converge.ts';
import { findServicePrincipal, hasFullAccess, hasSendAs, normalizeFilter, rbacAssignments, text } from './read.ts';

/** New-ServicePrincipal right after the Entra create: Exchange may not see it yet (the script waits the same way). */
const SP_WAIT_MS = 10_000;
const SP_ATTEMPTS = 30;

/**
 * The Exchange step without PowerShell: the same objects, checks and result as the generated
 * script (src/exchange/script.ts), each cmdlet one InvokeCommand call. Reads first; writes only
 * where the read shows a difference; the result has the script's object names and actions.
 */
export async function applyExchangeViaApi(
  input: ExchangeScriptInput,
  api: ExchangeAdminApi,
  clock: Clock,
  deadlineAt: number,
): Promise<ExchangeScriptResult> {
  validateExchangeScriptInput(input);
  const model = MODELS[input.model].exchange;
  const mailboxes = uniqueAddresses(input.mailboxes);
  const sendAs = uniqueAddresses(input.sendAs?.identities ?? []);
  const changes: Change[] = [];
  const warnings: string[] = [];
  let status: ExchangeScriptResult['status'] = 'applied';
  let identity: string | undefined;

  if (model.servicePrincipal) {
    const sp = await ensureServicePrincipal(input, api, clock, deadlineAt);
    changes.push(sp.change);
    identity = sp.identity;
  }
  const principal = identity ?? input.servicePrincipalId;
  if (model.fullAccess) {
    for (const mailbox of mailboxes) {
      changes.push(
        await converge(api, {
          object: `FullAccess ${mailbox}`,
          observe: async () => ((await hasFullAccess(api, mailbox, principal)) ? 'matches' : 'absent'),
          write: () => ({
            cmdlet: 'Add-MailboxPermission',
            parameters: { Identity: mailbox, User: principal, AccessRights: ['FullAccess'], AutoMapping: false },
          }),
        }),
      );
    }
  }
  if (model.rbacRole) {
    const role = model.rbacRole;
    const scopeName = defaultScopeName(input.appId);
    const filter = buildScopeFilter(mailboxes);
    changes.push(
      await converge(api, {
        object: `management-scope ${scopeName}`,
        observe: async () => {
          const [scope] = await api.read({ cmdlet: 'Get-ManagementScope', parameters: { Identity: scopeName } });
          if (!scope) return 'absent';
          return normalizeFilter(text(scope.RecipientFilter)) === normalizeFilter(filter) ? 'matches' : 'differs';
        },
        write: (observed) =>
          observed === 'absent'
            ? { cmdlet: 'New-ManagementScope', parameters: { Name: scopeName, RecipientRestrictionFilter: filter } }
            : { cmdlet: 'Set-ManagementScope', parameters: { Identity: scopeName, RecipientRestrictionFilter: filter } },
      }),
    );
    const assignmentName = roleAssignmentName(input.appId, role);
    const assignment = await converge(api, {
      object: `role-assignment ${assignmentName}`,
      observe: async () => ((await rbacAssignments(api, principal, role, scopeName)).length > 0 ? 'matches' : 'absent'),
      write: () => ({
        cmdlet: 'New-ManagementRoleAssignment',
        parameters: { Name: assignmentName, App: principal, Role: role, CustomResourceScope: scopeName },
      }),
    });
    changes.push(assignment);
    if (assignment.action === 'create') {
      warnings.push('Exchange caches app role assignments: sending can take 30 minutes to 2 hours to start working.');
    }
    if (!api.dryRun) {
      for (const mailbox of mailboxes) {
        const rows = await api.read({
          cmdlet: 'Test-ServicePrincipalAuthorization',
          parameters: { Identity: principal, Resource: mailbox },
        });
        const row = rows.find((r) => text(r.RoleName) === role);
        if (row?.InScope !== true) {
          status = 'pending';
          warnings.push(`${role} is granted but not yet in scope for ${mailbox}; check again later.`);
        }
      }
    }
  }
  if (sendAs.length > 0) {
    const trustee = input.sendAs?.trustee ?? principal;
    for (const address of sendAs) {
      changes.push(
        await converge(api, {
          object: `SendAs ${address}`,
          observe: async () => ((await hasSendAs(api, address, trustee)) ? 'matches' : 'absent'),
          write: () => ({
            cmdlet: 'Add-RecipientPermission',
            parameters: { Identity: address, Trustee: trustee, AccessRights: ['SendAs'], Confirm: false },
          }),
        }),
      );
    }
  }
  if (input.enableSmtpAuth && model.smtpAuth) {
    for (const mailbox of mailboxes) {
      changes.push(
        await converge(api, {
          object: `SMTP AUTH ${mailbox}`,
          observe: async () => {
            const [cas] = await api.read({ cmdlet: 'Get-CASMailbox', parameters: { Identity: mailbox } });
            return cas?.SmtpClientAuthenticationDisabled === false ? 'matches' : 'differs';
          },
          write: () => ({ cmdlet: 'Set-CASMailbox', parameters: { Identity: mailbox, SmtpClientAuthenticationDisabled: false } }),
        }),
      );
    }
  }
  const result: ExchangeScriptResult = { status, changes, warnings };
  if (identity !== undefined) result.servicePrincipal = { identity };
  return result;
}

/**
 * Get-ServicePrincipal filtered by AppId (never `-Identity`, which returns every object for an
 * unknown value), then New-ServicePrincipal with the enterprise application's object id, waiting
 * while Exchange does not see the Entra service principal yet (AADServicePrincipalNotFound).
 */
async function ensureServicePrincipal(
  input: ExchangeScriptInput,
  api: ExchangeAdminApi,
  clock: Clock,
  deadlineAt: number,
): Promise<{ change: Change; identity: string | undefined }> {
  const object = `service-principal ${input.appId}`;
  const existing = await findServicePrincipal(api, input.appId);
  if (existing) return { change: { object, action: 'none' }, identity: existing };
  const call = {
    cmdlet: 'New-ServicePrincipal',
    parameters: { AppId: input.appId, ObjectId: input.servicePrincipalId, DisplayName: input.displayName },
  };
  for (let attempt = 1; attempt <= SP_ATTEMPTS; attempt++) {
    try {
      const outcome = await api.write(call);
      if (outcome.kind === 'done') {
        const identity = text(outcome.value[0]?.Identity) || (await findServicePrincipal(api, input.appId));
        return { change: { object, action: 'create' }, identity: identity || undefined };
      }
    } catch (error) {
      const replicating = error instanceof CmdletFailure && /AADServicePrincipalNotFound/i.test(`${error.exceptionType} ${error.message}`);
      if (!replicating && !(error instanceof CmdletFailure && error.alreadyExists)) {
        throw error instanceof CmdletFailure ? mapFailure(error, call) : error;
      }
      if (replicating && clock.nowMs() + SP_WAIT_MS <= deadlineAt && attempt < SP_ATTEMPTS) {
        await clock.sleep(SP_WAIT_MS);
        continue;
      }
      if (replicating) break;
    }
    // The answer was lost, or the object exists already: read before deciding.
    const found = await findServicePrincipal(api, input.appId);
    if (found) return { change: { object, action: 'create' }, identity: found };
  }
  throw new ServiceError(`Exchange Online still does not see the service principal of app ${input.appId}.`, {
    step: 'exchange',
    object,
    code: 'AADServicePrincipalNotFound',
    suggestion: 'Entra replication can take minutes; run the same command again: it finds what was already created and continues.',
  });
}
