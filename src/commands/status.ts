import type { CommandModule } from 'yargs';
import type { Deps } from '../core/deps.ts';
import { ExitCode } from '../core/errors.ts';
import { readTenant } from '../graph/organization.ts';
import { tenantJournals } from '../credentials/journal.ts';
import { readStatus, type AppStatus, type CredentialStatus } from '../rotation/status.ts';
import { createPalette, paletteFor, type Palette } from '../core/style.ts';
import { resolveConnection, withTenantOptions, type TenantArgs } from './shared/connection.ts';
import { openGraphSession } from './shared/graph-session.ts';
import type { CommandState } from './shared/command-state.ts';
import { parseWindowDays } from '../core/validate.ts';
import { withFleetFlags, type FleetArgs } from './fleet/options.ts';
import { statusFile } from './fleet/status-file.ts';

interface StatusArgs extends TenantArgs {
  expiringWithin?: string;
}

/** Without --expiring-within, a credential that ends within this many days is flagged. */
export const DEFAULT_WINDOW_DAYS = 30;

/**
 * `entra-mail status`: the apps entra-mail manages, their consent and credentials. An app whose
 * credentials have expired or end within 30 days (`--expiring-within` changes the window; `0d`
 * flags expired ones only) is due and the exit code is 10, so a monitor can alert on it
 * (README.md#exit-codes). Reads only.
 */
export function statusCommand(deps: Deps, state: CommandState): CommandModule<object, StatusArgs> {
  return {
    command: 'status',
    describe: 'List the apps entra-mail manages with consent state and credential expiry; exit 10 when one is due',
    builder: (y) =>
      withFleetFlags(withTenantOptions(y)).option('expiring-within', {
        type: 'string',
        describe: `Flag (and exit 10) an app with no entra-mail credential valid beyond this window (default ${DEFAULT_WINDOW_DAYS}d; 0d: expired only)`,
      }) as never,
    handler: async (args) => {
      // -f: every app of the fleet file, in every tenant (docs/fleet.md).
      if ((args as FleetArgs).file !== undefined) return statusFile(args, deps, state);
      state.json = Boolean(args.json);
      const connection = resolveConnection(args, deps);
      const windowDays =
        args.expiringWithin !== undefined ? parseWindowDays(args.expiringWithin, '--expiring-within') : DEFAULT_WINDOW_DAYS;
      // The first round of the read (src/rotation/estate.ts): managed apps, tagged service principals, the two resource ones.
      const { graph, token } = await openGraphSession(connection, args, deps, { graphConnections: 4 });
      const tenantId = (await readTenant(graph, token, { domains: false })).id;
      const nowMs = deps.clock.nowMs();
      const apps = await readStatus(graph, {
        nowMs,
        windowDays,
        journalFor: await tenantJournals(deps.env, tenantId),
      });
      const due = apps.filter((a) => a.due);
      if (args.json)
        deps.stdout.write(`${JSON.stringify({ tenantId, expiringWithinDays: windowDays, due: due.map((a) => a.appId), apps }, null, 2)}\n`);
      else if ((args as { output?: string }).output === 'table')
        deps.stdout.write(formatStatusTable(apps, nowMs, paletteFor(deps.stdout, deps.env)));
      else deps.stdout.write(formatStatus(apps, windowDays, nowMs, paletteFor(deps.stdout, deps.env)));
      if (due.length > 0) state.exitCode = ExitCode.attention;
    },
  };
}

export function formatStatus(apps: AppStatus[], windowDays: number, nowMs: number, palette: Palette = createPalette(false)): string {
  if (apps.length === 0) return 'No apps managed by entra-mail in this tenant.\n';
  const lines: string[] = [];
  for (const app of apps) {
    const flag = app.due
      ? palette.bad(`  DUE: no entra-mail credential valid beyond ${windowDays} days; run entra-mail rotate --app ${app.uniqueName}`)
      : '';
    lines.push(`${app.uniqueName} (${app.appId})  model ${app.model ?? '?'}  profile ${app.profile ?? '?'}  consent ${app.consent}${flag}`);
    if (app.credentials.length === 0) lines.push('    no credentials');
    for (const c of app.credentials) {
      lines.push(
        `    ${c.kind.padEnd(11)} ${c.keyId}  ${(c.marker ?? '(not entra-mail)').padEnd(34)} expires ${c.endDateTime.slice(0, 10)} (${daysLeft(c.endDateTime, nowMs)})  ${paintState(c, palette)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** --output table: one row per credential, columns lined up. */
export function formatStatusTable(apps: AppStatus[], nowMs: number, palette: Palette = createPalette(false)): string {
  const header = ['APP', 'APP ID', 'MODEL', 'CONSENT', 'CREDENTIAL', 'KEY ID', 'EXPIRES', 'DAYS', 'STATE'];
  const rows = apps.flatMap((app) => {
    const base = [app.uniqueName, app.appId, app.model ?? '?', app.consent];
    if (app.credentials.length === 0) return [[...base, '-', '-', '-', '-', app.due ? 'DUE' : '-']];
    return app.credentials.map((c) => [
      ...base,
      c.kind,
      c.keyId,
      c.endDateTime.slice(0, 10),
      String(Math.floor((Date.parse(c.endDateTime) - nowMs) / 86_400_000)),
      stateOf(c),
    ]);
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] as number))).join('  ');
  const body = rows.map((r) => {
    const text = line(r);
    const state = r[r.length - 1];
    return state === 'EXPIRED' || state === 'DUE' ? palette.bad(text) : state === 'expiring' ? palette.warn(text) : text;
  });
  return `${[palette.bold(line(header)), ...body].join('\n')}\n`;
}

function stateOf(c: CredentialStatus): string {
  if (c.expired) return 'EXPIRED';
  // A credential rotate has replaced and will remove once its grace period ends.
  if (c.retireAfter) return `retiring ${c.retireAfter.slice(0, 16).replace('T', ' ')} UTC`;
  return c.due ? 'expiring' : 'valid';
}

function paintState(c: CredentialStatus, palette: Palette): string {
  const state = stateOf(c);
  return state === 'EXPIRED' ? palette.bad(state) : state === 'valid' ? palette.ok(state) : palette.warn(state);
}

function daysLeft(end: string, nowMs: number): string {
  const days = Math.floor((Date.parse(end) - nowMs) / 86_400_000);
  return days < 0 ? `${-days} days ago` : `${days} days left`;
}
