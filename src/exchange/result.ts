import { ExternalToolError } from '../core/errors.ts';
import { redactTokens } from './redact.ts';

/** The marker of the one line a generated script prints for the runner (followed by compact JSON). */
export const RESULT_PREFIX = 'ENTRA-MAIL-RESULT ';

/** What a generated script reports: the Exchange objects it looked at and what it did to each. */
export interface ExchangeScriptResult {
  /** `pending`: an RBAC assignment exists but Test-ServicePrincipalAuthorization does not show it in scope yet (docs/reliability.md#exchange-propagation). */
  status: 'applied' | 'pending';
  changes: { object: string; action: 'create' | 'update' | 'none' | 'remove' }[];
  /** The Exchange service principal (`Identity`), when the model has one and it exists. */
  servicePrincipal?: { identity: string };
  warnings: string[];
  /** What Get-Mailbox said about each sending mailbox (docs/exchange-powershell.md#get-mailbox-and-licences). */
  mailboxes?: { address: string; state: 'ok' | 'unlicensed' | 'missing' }[];
}

const MAILBOX_STATES = new Set(['ok', 'unlicensed', 'missing']);

const ACTIONS = new Set(['create', 'update', 'none', 'remove']);

/**
 * Finds the one `ENTRA-MAIL-RESULT {json}` line in a script's stdout and checks its shape.
 * ExternalToolError (exit 6, step 'exchange') when it is missing, repeated or not the expected JSON.
 */
export function parseExchangeResult(stdout: string): ExchangeScriptResult {
  const lines = stdout.split(/\r?\n/).filter((line) => line.startsWith(RESULT_PREFIX));
  if (lines.length !== 1) {
    throw nonsense(lines.length === 0 ? 'printed no result line' : `printed ${lines.length} result lines`, stdout);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse((lines[0] ?? '').slice(RESULT_PREFIX.length));
  } catch {
    throw nonsense('printed a result line that is not JSON', stdout);
  }
  return checkResult(parsed, stdout);
}

function checkResult(value: unknown, stdout: string): ExchangeScriptResult {
  if (!isRecord(value)) throw nonsense('printed a result that is not an object', stdout);
  const { status, changes, servicePrincipal, warnings, mailboxes } = value;
  if (status !== 'applied' && status !== 'pending') throw nonsense(`reported an unknown status '${String(status)}'`, stdout);
  // ConvertTo-Json turns an empty array into [] but PowerShell 5 may print null for it; accept both.
  const changeList = changes === null || changes === undefined ? [] : changes;
  if (!Array.isArray(changeList)) throw nonsense('reported changes that are not a list', stdout);
  const checkedChanges = changeList.map((change: unknown) => {
    if (!isRecord(change) || typeof change.object !== 'string' || typeof change.action !== 'string' || !ACTIONS.has(change.action)) {
      throw nonsense('reported a change without object and action', stdout);
    }
    return { object: change.object, action: change.action as ExchangeScriptResult['changes'][number]['action'] };
  });
  const warningList = warnings === null || warnings === undefined ? [] : warnings;
  if (!Array.isArray(warningList) || !warningList.every((w) => typeof w === 'string'))
    throw nonsense('reported warnings that are not strings', stdout);
  const result: ExchangeScriptResult = { status, changes: checkedChanges, warnings: warningList as string[] };
  const mailboxList = mailboxes === null || mailboxes === undefined ? [] : mailboxes;
  if (!Array.isArray(mailboxList)) throw nonsense('reported mailboxes that are not a list', stdout);
  const checkedMailboxes = mailboxList.map((entry: unknown) => {
    if (!isRecord(entry) || typeof entry.address !== 'string' || typeof entry.state !== 'string' || !MAILBOX_STATES.has(entry.state))
      throw nonsense('reported a mailbox without address and state', stdout);
    return { address: entry.address, state: entry.state as 'ok' | 'unlicensed' | 'missing' };
  });
  if (checkedMailboxes.length > 0) result.mailboxes = checkedMailboxes;
  if (isRecord(servicePrincipal) && typeof servicePrincipal.identity === 'string') {
    result.servicePrincipal = { identity: servicePrincipal.identity };
  } else if (servicePrincipal !== null && servicePrincipal !== undefined) {
    throw nonsense('reported a service principal without identity', stdout);
  }
  return result;
}

function nonsense(what: string, stdout: string): ExternalToolError {
  const tail = redactTokens(stdout.trim().split(/\r?\n/).slice(-5).join('\n')).slice(0, 2000);
  return new ExternalToolError(`the Exchange script ${what}${tail ? `; its last output was:\n${tail}` : ''}`, {
    step: 'exchange',
    suggestion: 'run the script by hand to see its full output, or re-generate it with this version of entra-mail',
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
