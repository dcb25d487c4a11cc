import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderExchangeScript } from '../exchange/script.ts';
import type { ExchangeScriptResult } from '../exchange/result.ts';
import { buildExchangeInput, runScriptFile, writeScriptFile, type ExchangeOptions } from './exchange.ts';
import type { Change, Desired } from './types.ts';

/**
 * `provision --dry-run --exchange run`: runs the script the run would run, with `$PlanOnly = $true`,
 * so it signs in and only reads (every write in the script is behind `if (-not $PlanOnly)`), and
 * its result line tells whether Exchange already matches. The file goes to a private scratch
 * directory, never to --script-out, and is removed afterwards: a dry run leaves no file behind.
 */
export async function checkExchangeByPlanRun(
  desired: Desired,
  ids: { appId: string; servicePrincipalId: string; tenantId: string },
  options: ExchangeOptions,
  onLine?: (line: string) => void,
): Promise<{ change: Change; result: ExchangeScriptResult }> {
  const script = renderExchangeScript({ ...buildExchangeInput(desired, ids, options), planOnly: true });
  const dir = await mkdtemp(join(tmpdir(), 'entra-mail-plan-'));
  try {
    const scriptPath = join(dir, 'exchange-plan.ps1');
    const sha256 = await writeScriptFile(scriptPath, script, 'the read-only Exchange script');
    const result = await runScriptFile(options, scriptPath, sha256, onLine);
    return { change: exchangeChangeFrom(result, options.scriptPath), result };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Pure: the plan line for what the read-only run found. */
export function exchangeChangeFrom(result: ExchangeScriptResult, scriptPath: string): Change {
  const pending = result.changes.filter((c) => c.action !== 'none');
  if (pending.length === 0) {
    return {
      step: 'exchange',
      action: 'none',
      summary: `Exchange Online matches: ${result.changes.length} object(s) checked by a read-only run of the script`,
    };
  }
  return {
    step: 'exchange',
    action: 'update',
    summary: `run the Exchange Online script ${scriptPath}: ${pending.map((c) => `${c.action} ${c.object}`).join(', ')}`,
  };
}
