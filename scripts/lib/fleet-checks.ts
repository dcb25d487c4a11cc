import { join } from 'node:path';
import { MANAGED_TAG } from '../../src/core/tags.ts';
import type { Harness } from './harness.ts';
import { checkHoldings, readHoldings, readRetiring } from './sink-holdings.ts';
import { summarizeApp } from './tenant-invariants.ts';

/** The fleet file a campaign works on, and where each app's sinks are. */
export interface FleetLayout {
  file: string;
  dir: string;
  /** Tenant ids in the file's order; the last one is `failing`. */
  tenants: string[];
  /** The tenant whose sign-in fails on every run. */
  failing: string;
  apps(index: number): { uniqueName: string; vaultSecret?: string; grace: string }[];
  addApp(index: number, uniqueName: string): void;
  render(): string;
}

/** The fleet campaign's figures: the counts after `runs` must be zero. */
export interface FleetFigures {
  tenants: number;
  runs: number;
  killedByTimer: number;
  killedAtRequest: number;
  finishedBeforeKill: number;
  /** 429 answers the sandbox served. */
  throttled: number;
  /** Re-runs that named the failing tenant and no other. */
  signInFailuresNamed: number;
  tenantsNotConverged: number;
  orphanedApps: number;
  duplicateObjects: number;
  /** Valid secrets the tool minted that no sink holds (and no grace period explains). */
  secretsLost: number;
  /** Sinks left with no secret at all. */
  sinksHoldingNothing: number;
  sinksHoldingRevoked: number;
  earlyRetries: number;
  failures: string[];
}

export function emptyFleetFigures(): FleetFigures {
  return {
    tenants: 0,
    runs: 0,
    killedByTimer: 0,
    killedAtRequest: 0,
    finishedBeforeKill: 0,
    throttled: 0,
    signInFailuresNamed: 0,
    tenantsNotConverged: 0,
    orphanedApps: 0,
    duplicateObjects: 0,
    secretsLost: 0,
    sinksHoldingNothing: 0,
    sinksHoldingRevoked: 0,
    earlyRetries: 0,
    failures: [],
  };
}

/**
 * Every tenant of the file against its sinks. `revokedOnly` (just after a kill): only that no sink
 * holds a secret the app no longer accepts, since a killed run may not have delivered yet; otherwise
 * (after the re-run) everything: each app once, no app the file does not name, every sink holding a
 * valid secret, every valid secret held by a sink or retiring in its grace period.
 */
export async function checkFleet(
  h: Harness,
  layout: FleetLayout,
  figures: FleetFigures,
  label: string,
  options: { revokedOnly: boolean },
): Promise<void> {
  const problems: string[] = [];
  const now = Date.now();
  for (const [index, tenantId] of layout.tenants.entries()) {
    const state = h.sandbox.snapshot(tenantId);
    const managed = state.applications.filter((a) => (a.tags ?? []).includes(MANAGED_TAG));
    if (tenantId === layout.failing) {
      figures.orphanedApps += managed.length;
      if (managed.length) problems.push(`${tenantId}: ${managed.length} app(s) in the tenant no one could sign in to`);
      continue;
    }
    const apps = layout.apps(index);
    if (!options.revokedOnly) {
      const orphans = managed.filter((a) => !apps.some((x) => x.uniqueName === a.uniqueName));
      figures.orphanedApps += orphans.length;
      for (const o of orphans) problems.push(`${tenantId}: orphaned app ${o.uniqueName}`);
    }
    for (const app of apps) {
      if (!state.applications.some((a) => a.uniqueName === app.uniqueName)) {
        if (!options.revokedOnly) problems.push(`${tenantId}/${app.uniqueName}: missing`);
        continue;
      }
      const sinks = {
        uniqueName: app.uniqueName,
        file: join(layout.dir, tenantId, `${app.uniqueName}.env`),
        ...(app.vaultSecret ? { vaultSecret: app.vaultSecret } : {}),
      };
      const holdings = await readHoldings(sinks, state, h.minted);
      const journal = join(String(h.env.ENTRA_MAIL_STATE_DIR), tenantId, `${app.uniqueName}.journal.json`);
      const report = checkHoldings(state, app.uniqueName, holdings, options.revokedOnly ? [] : await readRetiring(journal, now), now);
      figures.sinksHoldingRevoked += report.holdingRevoked.length;
      problems.push(...report.holdingRevoked.map((s) => `${tenantId}/${app.uniqueName}: ${s} holds a revoked secret`));
      if (options.revokedOnly) continue;
      figures.sinksHoldingNothing += report.holdingNothing.length;
      figures.secretsLost += report.unheld.length;
      const summary = summarizeApp(state, app.uniqueName);
      const duplicates = Math.max(0, summary.applications - 1) + Math.max(0, summary.servicePrincipals - summary.applications);
      figures.duplicateObjects += duplicates;
      problems.push(
        ...report.holdingNothing.map((s) => `${tenantId}/${app.uniqueName}: ${s} holds no secret`),
        ...report.unheld.map((k) => `${tenantId}/${app.uniqueName}: valid secret ${k} held by no sink`),
        ...(duplicates ? [`${tenantId}/${app.uniqueName}: ${duplicates} duplicate object(s)`] : []),
      );
    }
  }
  if (problems.length)
    figures.failures.push(`${label}: ${problems.slice(0, 6).join('; ')}${problems.length > 6 ? ` (+${problems.length - 6})` : ''}`);
}
