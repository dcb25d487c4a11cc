import type { Palette } from '../core/style.ts';
import type { Shard } from './shard.ts';
import { describeOutcome, type TenantOutcome } from './outcome.ts';

export type FleetCommand = 'plan' | 'apply' | 'rotate' | 'status';

/** The JSON report of a fleet run (schemas/output.schema.json#/$defs/fleet): one document on stdout. */
export interface FleetReport {
  command: FleetCommand;
  file: string;
  shard: string | null;
  concurrency: number;
  summary: { tenants: number; ok: number; drift: number; changed: number; due: number; failed: number; apps: number };
  /** The tenants that failed, by name: the reason the exit code is 7. */
  failed: string[];
  tenants: TenantOutcome[];
}

export function buildReport(
  command: FleetCommand,
  file: string,
  options: { shard?: Shard; concurrency: number },
  tenants: TenantOutcome[],
): FleetReport {
  const count = (s: TenantOutcome['status']) => tenants.filter((t) => t.status === s).length;
  return {
    command,
    file,
    shard: options.shard ? `${options.shard.index}/${options.shard.count}` : null,
    concurrency: options.concurrency,
    summary: {
      tenants: tenants.length,
      ok: count('ok'),
      drift: count('drift'),
      changed: count('changed'),
      due: count('due'),
      failed: count('failed'),
      apps: tenants.reduce((n, t) => n + t.apps.length, 0),
    },
    failed: tenants.filter((t) => t.status === 'failed').map((t) => t.tenant),
    tenants,
  };
}

/** The summary table people read at the end: one row per tenant, then the totals. */
export function formatSummary(report: FleetReport, palette: Palette): string {
  const header = ['TENANT', 'STATUS', 'APPS', 'DETAIL'];
  const rows = report.tenants.map((t) => [
    t.label ? `${t.tenant} (${t.label})` : t.tenant,
    t.status,
    String(t.apps.length),
    describeOutcome(t).replace(/^\S+ /, ''),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ');
  const paint = (status: string, text: string) =>
    status === 'failed' ? palette.bad(text) : status === 'ok' || status === 'changed' ? palette.ok(text) : palette.warn(text);
  const body = rows.map((r) => paint(r[1] as string, line(r)));
  const s = report.summary;
  const totals = `${s.tenants} tenant(s), ${s.apps} app(s): ${s.ok} ok, ${s.changed} changed, ${s.drift} drift, ${s.due} due, ${s.failed} failed${report.shard ? ` (shard ${report.shard})` : ''}`;
  const failed = report.failed.length > 0 ? `\nFailed: ${report.failed.join(', ')}` : '';
  return `${[palette.bold(line(header)), ...body].join('\n')}\n\n${totals}${failed}\n`;
}

/** Per app, the changes a plan or apply found (the text form's detail before the summary). */
export function formatAppLines(report: FleetReport): string {
  const lines: string[] = [];
  for (const t of report.tenants) {
    for (const a of t.apps) {
      lines.push(`${t.tenant}  ${a.uniqueName}: ${a.status}${a.detail ? ` - ${a.detail}` : ''}`);
      for (const c of a.changes ?? []) if (c.action !== 'none') lines.push(`    ${c.action.padEnd(6)} ${c.step.padEnd(17)} ${c.summary}`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n\n` : '';
}
