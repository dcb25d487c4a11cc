import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { type Deps, stdinIsTerminal } from '../core/deps.ts';
import { ConflictError } from '../core/errors.ts';
import { renderExchangeRemovalScript } from '../exchange/script.ts';
import { deleteApplication } from '../graph/applications.ts';
import type { DeletedApplication } from '../graph/deleted-items.ts';
import { readTenant } from '../graph/organization.ts';
import { deleteServicePrincipal, findServicePrincipalByAppId } from '../graph/service-principals.ts';
import { isManagedApplication } from '../provision/application.ts';
import { applyExchange, applyExchangeApi, buildExchangeInput, modelNeedsExchange, type ExchangeOptions } from '../provision/exchange.ts';
import { checkStateDirectory, journalPath, readJournal, writeJournal } from '../credentials/journal.ts';
import type { Change, Desired } from '../provision/types.ts';
import { findSelectedApplication, modelOf, parseAppSelector, withAppSelector, type AppSelectorArgs } from './shared/app-selector.ts';
import { resolveConnection, withTenantOptions, type TenantArgs } from './shared/connection.ts';
import {
  buildExchangeOptions,
  checkExchangeCommand,
  withExchangeConnectOptions,
  type ExchangeConnectArgs,
} from './shared/exchange-options.ts';
import { resolveExchangeEndpoint, withExchangeApi } from './shared/exchange-api.ts';
import { describeRemovalScope, exchangeGrantsFor } from './shared/exchange-grants.ts';
import { openGraphSession } from './shared/graph-session.ts';
import { needsTenantDomains as needsDomains } from './shared/exchange-options.ts';
import { findSelectedDeleted, PURGE_WARNING, purgeAlreadyDeleted, purgeDeleted } from './deprovision-purge.ts';
import { assertConfirmable, confirmPlan, describeDeclined, formatChanges } from './shared/confirm.ts';
import type { CommandState } from './shared/command-state.ts';
import { validateMailboxes } from '../core/validate.ts';

interface DeprovisionArgs extends TenantArgs, AppSelectorArgs, ExchangeConnectArgs {
  model?: string;
  mailbox?: string[];
  sendAs?: string[];
  exchange?: string;
  scriptOut?: string;
  purge?: boolean;
}

/**
 * `entra-mail deprovision`: remove what provision created. The Exchange removal script is written
 * (or run) first, while the service principal's ids are still known; then the service principal
 * and the app are deleted. Only apps entra-mail manages; asks first unless --yes.
 */
export function deprovisionCommand(deps: Deps, state: CommandState): CommandModule<object, DeprovisionArgs> {
  return {
    command: 'deprovision',
    describe: 'Remove what provision created (app, service principal) and write the Exchange removal script',
    builder: (y) =>
      withExchangeConnectOptions(withAppSelector(withTenantOptions(y)))
        .option('model', { type: 'string', describe: 'Authorization model (default: the one recorded on the app)' })
        .option('mailbox', { type: 'string', array: true, describe: 'Mailboxes whose permissions the removal script takes away' })
        .option('send-as', { type: 'string', array: true, describe: 'Send As grants to take away' })
        .option('exchange', {
          type: 'string',
          choices: ['script', 'run', 'api', 'skip'],
          default: 'script',
          describe: 'Exchange removal: write it, run it, call the admin API (api, experimental), or skip',
        })
        .option('script-out', { type: 'string', describe: 'Where to write the removal script' })
        .option('purge', {
          type: 'boolean',
          default: false,
          describe:
            'Then delete it permanently (no 30 days in deleted items; the unique name is free at once); also for an app already deleted',
        }) as never,
    handler: async (args) => {
      state.json = Boolean(args.json);
      const connection = resolveConnection(args, deps);
      const selector = parseAppSelector(args);
      const mailboxes = validateMailboxes(args.mailbox);
      const sendAs = validateMailboxes(args.sendAs, '--send-as');
      await checkExchangeCommand(args, { mode: (args.exchange ?? 'script') as ExchangeOptions['mode'], cwd: deps.cwd, env: deps.env });
      await checkStateDirectory(deps.env);
      assertConfirmable(deps, { yes: Boolean(args.yes), dryRun: Boolean(args.dryRun), what: 'deprovision deletes the app' });

      const exchangeEndpoint = resolveExchangeEndpoint(args.exchangeEndpoint, connection, deps.env);
      const { graph, token, credential } = await openGraphSession(connection, args, deps, {
        graphConnections: needsDomains(args) ? 2 : 1,
      });
      const purge = Boolean(args.purge);
      const [organization, app] = await Promise.all([
        readTenant(graph, token, { domains: needsDomains(args) }),
        findSelectedApplication(graph, selector, 'deprovision').catch(async (error: unknown) => {
          // Not live: with --purge, it may be waiting in deleted items from an earlier deprovision.
          const deleted = purge && error instanceof ConflictError ? await findSelectedDeleted(graph, selector) : undefined;
          if (!deleted) throw error;
          return deleted;
        }),
      ]);
      if ('deletedDateTime' in app && typeof app.deletedDateTime === 'string') {
        const done = await purgeAlreadyDeleted(deps, graph, app as DeletedApplication, {
          yes: Boolean(args.yes),
          dryRun: Boolean(args.dryRun),
          tenantId: organization.id,
        });
        if (!done) deps.stderr.write(describeDeclined(organization.id));
        else writeChanges(deps, Boolean(args.json), { appId: app.appId, changes: done, dryRun: Boolean(args.dryRun) });
        return;
      }
      if (!isManagedApplication(app)) {
        throw new ConflictError(`App ${app.appId} ('${app.displayName}') was not created by entra-mail; it is left alone.`, {
          step: 'deprovision',
          object: `application ${app.id}`,
        });
      }
      const sp = await findServicePrincipalByAppId(graph, app.appId, 'deprovision');
      const model = modelOf(app, args.model);
      const grants = exchangeGrantsFor(app.tags, { mailboxes, sendAs }, 'removal');
      const exchangeMode = (args.exchange ?? 'script') as ExchangeOptions['mode'];
      const needsExchange = modelNeedsExchange(model) && exchangeMode !== 'skip' && sp !== undefined;
      const options = withExchangeApi(
        buildExchangeOptions(args, {
          mode: exchangeMode,
          scriptPath: resolve(deps.cwd, args.scriptOut ?? `${app.uniqueName ?? app.appId}.exchange-removal.ps1`),
          connection,
          env: deps.env,
          sendAs: grants.sendAs,
          enableSmtpAuth: false,
          organization,
          interactive: stdinIsTerminal(deps),
        }),
        { credential, connection, endpoint: exchangeEndpoint, verbose: Boolean(args.verbose), deps },
      );
      const changes: Change[] = [
        ...(needsExchange
          ? [
              {
                step: 'exchange' as const,
                action: 'remove' as const,
                summary:
                  exchangeMode === 'api'
                    ? 'remove the Exchange Online objects through the admin API (experimental): each is read before it is removed'
                    : `${exchangeMode === 'run' ? 'run' : 'write'} the Exchange removal script ${options.scriptPath}`,
              },
            ]
          : []),
        ...(sp ? [{ step: 'service-principal' as const, action: 'remove' as const, summary: `delete service principal ${sp.id}` }] : []),
        {
          step: 'application',
          action: 'remove',
          summary: purge
            ? `delete app registration ${app.appId} ('${app.displayName}'), then permanently: it cannot be restored`
            : `delete app registration ${app.appId} ('${app.displayName}'); restorable for 30 days from deleted items`,
        },
      ];
      if (args.dryRun) {
        deps.stdout.write(
          args.json
            ? `${JSON.stringify({ dryRun: true, changes }, null, 2)}\n`
            : `Plan (dry run, nothing changed):\n${changes.map((c) => `  ${c.action} ${c.step}: ${c.summary}`).join('\n')}\n`,
        );
        return;
      }
      const warnings =
        needsExchange && exchangeMode === 'script'
          ? [
              `the Exchange removal script is only written: the app's Exchange service principal and its permissions stay until someone runs ${options.scriptPath}.`,
            ]
          : [];
      const outcome = await confirmPlan(
        {
          plan: ['Plan:', ...formatChanges(changes)],
          warnings: purge ? [...warnings, PURGE_WARNING] : warnings,
          question: `Delete app ${app.appId} ('${app.displayName}') and its service principal from tenant ${organization.id}${purge ? ' for good' : ''}?`,
          ...(purge ? { expect: app.uniqueName ?? app.appId } : {}),
          yes: Boolean(args.yes),
        },
        deps,
      );
      if (outcome === 'declined') {
        deps.stderr.write(describeDeclined(organization.id));
        return;
      }
      let exchange: Awaited<ReturnType<typeof applyExchange>> | undefined;
      if (needsExchange && sp) {
        if (!args.json) deps.stderr.write(`${describeRemovalScope(grants)}\n`);
        const desired = { model, displayName: app.displayName, mailboxes: grants.mailboxes } as Pick<
          Desired,
          'model' | 'displayName' | 'mailboxes'
        > as Desired;
        const input = buildExchangeInput(desired, { appId: app.appId, servicePrincipalId: sp.id, tenantId: organization.id }, options);
        exchange =
          exchangeMode === 'api'
            ? await applyExchangeApi(input, options, deps.clock, { removal: true })
            : await applyExchange(renderExchangeRemovalScript(input), options, (line) => deps.stderr.write(`${line}\n`));
      }
      if (sp) await deleteServicePrincipal(graph, sp.id);
      await deleteApplication(graph, app.id);
      if (purge) await purgeDeleted(graph, app);
      if (app.uniqueName) await forgetCredentials(deps, organization.id, app.uniqueName);
      const result = {
        appId: app.appId,
        changes,
        exchange: exchange
          ? { status: exchange.status, scriptPath: exchange.scriptPath, ...(exchange.result ? { changes: exchange.result.changes } : {}) }
          : { status: 'skipped', scriptPath: null },
      };
      deps.stdout.write(
        args.json ? `${JSON.stringify(result, null, 2)}\n` : `${changes.map((c) => `  ${c.action} ${c.step}: ${c.summary}`).join('\n')}\n`,
      );
    },
  };
}

function writeChanges(deps: Deps, json: boolean, result: { appId: string; changes: Change[]; dryRun: boolean }): void {
  const lines = result.changes.map((c) => `  ${c.action} ${c.step}: ${c.summary}`).join('\n');
  if (json)
    deps.stdout.write(
      `${JSON.stringify(result.dryRun ? { dryRun: true, changes: result.changes } : { appId: result.appId, changes: result.changes }, null, 2)}\n`,
    );
  else deps.stdout.write(result.dryRun ? `Plan (dry run, nothing changed):\n${lines}\n` : `${lines}\n`);
}

/** The app is gone, so every credential in its journal is too. */
async function forgetCredentials(deps: Deps, tenantId: string, uniqueName: string): Promise<void> {
  const path = journalPath(deps.env, tenantId, uniqueName);
  const journal = await readJournal(path);
  if (!journal) return;
  await writeJournal(path, {
    ...journal,
    credentials: journal.credentials.map((c) => ({ ...c, status: 'removed' as const, at: deps.clock.now().toISOString() })),
  });
}
