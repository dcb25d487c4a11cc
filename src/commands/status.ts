import type { CommandModule } from 'yargs';
import type { Deps } from '../core/deps.ts';
import { ExitCode } from '../core/errors.ts';
import { readTenant } from '../graph/organization.ts';
import { journalPath, readJournal } from '../credentials/journal.ts';
import { readStatus, type AppStatus } from '../rotation/status.ts';
import { resolveConnection, withTenantOptions, type TenantArgs } from './shared/connection.ts';
import { openGraphSession } from './shared/graph-session.ts';
import type { CommandState } from './shared/command-state.ts';
import { parseWindowDays } from '../core/validate.ts';

interface StatusArgs extends TenantArgs {
  expiringWithin?: string;
}

/**
 * `entra-mail status`: the apps entra-mail manages, their consent and credentials. With
 * `--expiring-within 30d` it exits 10 when any app is due, so a monitor can alert on it
 * (README.md#exit-codes). Reads only.
 */
export function statusCommand(deps: Deps, state: CommandState): CommandModule<object, StatusArgs> {
  return {
    command: 'status',
    describe: 'List the apps entra-mail manages with consent state and credential expiry; exit 10 when one is due',
    builder: (y) =>
      withTenantOptions(y).option('expiring-within', {
        type: 'string',
        describe: 'Exit 10 when an app has no entra-mail credential valid beyond this window, e.g. 30d',
      }) as never,
    handler: async (args) => {
      state.json = Boolean(args.json);
      const connection = resolveConnection(args, deps);
      const windowDays = args.expiringWithin !== undefined ? parseWindowDays(args.expiringWithin, '--expiring-within') : undefined;
      const { graph, token } = await openGraphSession(connection, args, deps);
      const tenantId = (await readTenant(graph, token, { domains: false })).id;
      const apps = await readStatus(graph, {
        nowMs: deps.clock.nowMs(),
        windowDays: windowDays ?? 0,
        journalFor: (uniqueName) => readJournal(journalPath(deps.env, tenantId, uniqueName)),
      });
      const due = windowDays !== undefined ? apps.filter((a) => a.due) : [];
      if (args.json)
        deps.stdout.write(
          `${JSON.stringify({ tenantId, expiringWithinDays: windowDays ?? null, due: due.map((a) => a.appId), apps }, null, 2)}\n`,
        );
      else deps.stdout.write(formatStatus(apps, windowDays));
      if (due.length > 0) state.exitCode = ExitCode.attention;
    },
  };
}

export function formatStatus(apps: AppStatus[], windowDays: number | undefined): string {
  if (apps.length === 0) return 'No apps managed by entra-mail in this tenant.\n';
  const lines: string[] = [];
  for (const app of apps) {
    const flag =
      windowDays !== undefined && app.due
        ? `  DUE: no entra-mail credential valid beyond ${windowDays} days; run entra-mail rotate --app ${app.uniqueName}`
        : '';
    lines.push(`${app.uniqueName} (${app.appId})  model ${app.model ?? '?'}  profile ${app.profile ?? '?'}  consent ${app.consent}${flag}`);
    if (app.credentials.length === 0) lines.push('    no credentials');
    for (const c of app.credentials) {
      const state = c.expired
        ? 'EXPIRED'
        : c.retireAfter
          ? `retiring ${c.retireAfter.slice(0, 16).replace('T', ' ')} UTC`
          : c.due && windowDays !== undefined
            ? 'expiring'
            : 'valid';
      lines.push(
        `    ${c.kind.padEnd(11)} ${c.keyId}  ${(c.marker ?? '(not entra-mail)').padEnd(34)} expires ${c.endDateTime.slice(0, 10)}  ${state}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
