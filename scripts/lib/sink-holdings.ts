import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { TenantState } from '../../src/sandbox/state.ts';

/** Where one app's credential goes in the kill campaign. */
export interface AppSinks {
  uniqueName: string;
  file: string;
  /** Key Vault secret name, when the app rotates into the vault. */
  vaultSecret?: string;
  /** The `--on-rotate` hook's store (scripts/lib/kill-hook.ts), when the app has one. */
  hookStore?: string;
}

/** What each sink holds right now: the minted secret (a canary) it contains, or undefined. */
export interface Holdings {
  sink: string;
  secret: string | undefined;
}

export async function readHoldings(sinks: AppSinks, state: TenantState, minted: readonly string[]): Promise<Holdings[]> {
  const inText = (text: string) => minted.find((secret) => text.includes(secret));
  const file = async (path: string) => inText(await readFile(path, 'utf8').catch(() => ''));
  const holdings: Holdings[] = [{ sink: `file ${sinks.file}`, secret: await file(sinks.file) }];
  if (sinks.vaultSecret) {
    const current = state.keyVault.secrets.find((s) => s.name === sinks.vaultSecret)?.versions.at(-1);
    holdings.push({ sink: `vault ${sinks.vaultSecret}`, secret: current && current.enabled !== false ? inText(current.value) : undefined });
  }
  if (sinks.hookStore) holdings.push({ sink: `hook ${sinks.hookStore}`, secret: await file(sinks.hookStore) });
  return holdings;
}

export interface HoldingsReport {
  /** Sinks holding a secret the app no longer accepts. */
  holdingRevoked: string[];
  /** Sinks holding no secret at all (the consumer behind them has lost its secret). */
  holdingNothing: string[];
  /** Valid tool-minted secrets that no sink holds, minus those the journal says are retiring. */
  unheld: string[];
  /** Valid tool-minted secrets no sink holds but inside their grace period. */
  retiring: string[];
}

/**
 * Checks one app's sinks against its credentials. `retiringKeyIds`: the credentials the journal
 * marks as superseded with a grace period still running.
 */
export function checkHoldings(
  state: TenantState,
  uniqueName: string,
  holdings: Holdings[],
  retiringKeyIds: readonly string[],
  nowMs: number,
): HoldingsReport {
  const app = state.applications.find((a) => a.uniqueName === uniqueName);
  const valid = (app?.passwordCredentials ?? []).filter((c) => Date.parse(c.endDateTime) > nowMs);
  const hash = (s: string) => createHash('sha256').update(s).digest('hex');
  const validHashes = new Set(valid.map((c) => c.secretSha256));
  const heldHashes = new Set(holdings.flatMap((h) => (h.secret ? [hash(h.secret)] : [])));
  const report: HoldingsReport = { holdingRevoked: [], holdingNothing: [], unheld: [], retiring: [] };
  for (const h of holdings) {
    if (h.secret === undefined) report.holdingNothing.push(h.sink);
    else if (!validHashes.has(hash(h.secret))) report.holdingRevoked.push(h.sink);
  }
  for (const c of valid.filter((v) => (v.displayName ?? '').startsWith('entra-mail:') && !heldHashes.has(v.secretSha256))) {
    (retiringKeyIds.includes(c.keyId) ? report.retiring : report.unheld).push(c.keyId);
  }
  return report;
}

/** Key ids the journal marks as superseded and not yet past their grace period. */
export async function readRetiring(journalPath: string, nowMs: number): Promise<string[]> {
  try {
    const journal = JSON.parse(await readFile(journalPath, 'utf8')) as { credentials?: { keyId?: string; retireAfter?: string }[] };
    return (journal.credentials ?? [])
      .filter((c) => c.keyId && c.retireAfter && Date.parse(c.retireAfter) > nowMs)
      .map((c) => c.keyId as string);
  } catch {
    return [];
  }
}
