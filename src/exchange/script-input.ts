import { UsageError } from '../core/errors.ts';
import type { ModelName } from '../core/models.ts';
import { MODELS } from '../core/models.ts';
import { assertNoControlCharacters } from './quote.ts';
import { isGuid, printable } from '../core/validate.ts';

/** How the generated script signs in to Exchange Online (docs/exchange-powershell.md#connecting). */
export interface ExchangeConnectOptions {
  mode: 'interactive' | 'device' | 'certificate';
  /** interactive: pre-fills the account picker. */
  userPrincipalName?: string;
  /** certificate: the app (client) id that signs in app-only (not the mail app). */
  appId?: string;
  /** certificate: a .pfx file; its password, if any, comes from ENTRA_MAIL_CERTIFICATE_PASSWORD. */
  certificatePath?: string;
  /** certificate: the tenant's primary `*.onmicrosoft.com` domain (required for app-only). */
  organization?: string;
}

/** Everything the Exchange step's script needs; ids come from Graph, names from the profile/flags. */
export interface ExchangeScriptInput {
  model: ModelName;
  /** Application (client) id. */
  appId: string;
  /** The Graph service principal's `id` (enterprise application object id), never the app registration's. */
  servicePrincipalId: string;
  displayName: string;
  /** Sending mailboxes (primary SMTP addresses). */
  mailboxes: string[];
  /** SendAs grants (enaio "Send as"); the trustee defaults to the app's service principal. */
  sendAs?: { trustee?: string; identities: string[] };
  enableSmtpAuth: boolean;
  connect: ExchangeConnectOptions;
  /** `Connect-ExchangeOnline -ExchangeEnvironmentName` (default O365Default). */
  exchangeEnvironmentName?: string;
  tenantId: string;
  /** e.g. "entra-mail 0.1.0"; shown in the header, no timestamp (the output is deterministic). */
  generatedBy: string;
  /** `$PlanOnly = $true`: the script only reads and reports what a run would change (`provision --dry-run --exchange run`). */
  planOnly?: boolean;
}

const TENANT =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+)$/i;
const ONMICROSOFT = /^[a-z0-9-]+\.(?:onmicrosoft\.com|onmicrosoft\.us|partner\.onmschina\.cn)$/i;

/** Throws UsageError unless `value` is a GUID. */
export function assertGuid(value: string, flag: string, what: string): void {
  if (!isGuid(value)) throw new UsageError(`${flag} must be a GUID (${what}), got '${printable(value)}'`, { flag, step: 'exchange' });
}

/** Checks the input before any text is produced; every failure is a UsageError naming its flag. */
export function validateExchangeScriptInput(input: ExchangeScriptInput): void {
  const model = MODELS[input.model];
  if (!model.exchange.servicePrincipal && !model.exchange.smtpAuth) {
    throw new UsageError(`model '${input.model}' needs no Exchange step`, {
      flag: '--model',
      step: 'exchange',
      suggestion: 'use --exchange skip, or --model graph-rbac to scope Mail.Send with Exchange RBAC',
    });
  }
  if (!TENANT.test(input.tenantId))
    throw new UsageError(`--tenant must be a tenant id or domain, got '${printable(input.tenantId)}'`, {
      flag: '--tenant',
      step: 'exchange',
    });
  assertNoControlCharacters(input.generatedBy, 'generatedBy');
  assertGuid(input.appId, '--app-id', 'the application (client) id');
  if (model.exchange.servicePrincipal) {
    assertGuid(input.servicePrincipalId, '--service-principal-id', "the enterprise application's object id");
    if (input.servicePrincipalId.toLowerCase() === input.appId.toLowerCase()) {
      // A classic mistake: the AppId where the service principal's object id belongs (docs/diagnostics.md#exchange-powershell).
      throw new UsageError(
        "the service principal id equals the app id; New-ServicePrincipal -ObjectId needs the enterprise application's object id",
        {
          flag: '--service-principal-id',
          step: 'exchange',
          suggestion: 'take the id of the service principal (Graph servicePrincipal.id), not the appId',
        },
      );
    }
    if (input.displayName.trim() === '') throw new UsageError('--name must not be empty', { flag: '--name', step: 'exchange' });
  }
  if (model.exchange.fullAccess && input.mailboxes.length === 0) {
    throw new UsageError(`model '${input.model}' needs at least one --mailbox`, { flag: '--mailbox', step: 'exchange' });
  }
  if (model.exchange.rbacRole && input.mailboxes.length === 0) {
    throw new UsageError(`model '${input.model}' needs at least one --mailbox`, { flag: '--mailbox', step: 'exchange' });
  }
  if (input.enableSmtpAuth && model.exchange.smtpAuth && input.mailboxes.length === 0) {
    throw new UsageError('turning SMTP AUTH on needs at least one --mailbox', { flag: '--mailbox', step: 'exchange' });
  }
  if (input.sendAs && input.sendAs.identities.length > 0 && !model.exchange.servicePrincipal && !input.sendAs.trustee) {
    throw new UsageError(`model '${input.model}' has no service principal to grant SendAs to; name the trustee`, {
      flag: '--send-as-trustee',
      step: 'exchange',
    });
  }
  validateConnect(input.connect);
}

function validateConnect(connect: ExchangeConnectOptions): void {
  if (connect.mode !== 'certificate') return;
  assertGuid(connect.appId ?? '', '--exchange-app-id', 'the app that signs in to Exchange app-only');
  if (!connect.certificatePath)
    throw new UsageError('certificate sign-in needs a certificate file', { flag: '--exchange-certificate', step: 'exchange' });
  if (!ONMICROSOFT.test(connect.organization ?? '')) {
    throw new UsageError("app-only sign-in needs the tenant's primary *.onmicrosoft.com domain as organization", {
      flag: '--exchange-organization',
      step: 'exchange',
      suggestion: 'e.g. --exchange-organization contoso.onmicrosoft.com',
    });
  }
}

/** Unique values in first-seen order, compared case-insensitively (addresses). */
export function uniqueAddresses(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = value.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
