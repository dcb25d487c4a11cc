import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { type Deps, stdinIsTerminal } from '../core/deps.ts';
import { renderExchangeRemovalScript } from '../exchange/script.ts';
import { readTenant } from '../graph/organization.ts';
import { readServicePrincipalByAppId } from '../graph/service-principals.ts';
import { MODELS } from '../core/models.ts';
import { getProfile } from '../profiles/get-profile.ts';
import {
  applyExchange,
  applyExchangeApi,
  buildExchangeInput,
  type ExchangeOutcome,
  modelNeedsExchange,
  renderScriptFor,
} from '../provision/exchange.ts';
import { formatExchangeCalls } from './shared/exchange-calls.ts';
import { resolveExchangeEndpoint, withExchangeApi } from './shared/exchange-api.ts';
import type { Desired } from '../provision/types.ts';
import {
  findSelectedApplication,
  modelOf,
  parseAppSelector,
  profileOf,
  withAppSelector,
  type AppSelectorArgs,
} from './shared/app-selector.ts';
import { resolveConnection, withTenantOptions, type TenantArgs } from './shared/connection.ts';
import {
  buildExchangeOptions,
  checkExchangeCommand,
  withExchangeConnectOptions,
  type ExchangeConnectArgs,
} from './shared/exchange-options.ts';
import { describeRemovalScope, exchangeGrantsFor } from './shared/exchange-grants.ts';
import { openGraphSession } from './shared/graph-session.ts';
import { needsTenantDomains as needsDomains } from './shared/exchange-options.ts';
import type { CommandState } from './shared/command-state.ts';
import { validateMailboxes } from '../core/validate.ts';

interface ExchangeScriptArgs extends TenantArgs, AppSelectorArgs, ExchangeConnectArgs {
  model?: string;
  profile?: string;
  mailbox?: string[];
  sendAs?: string[];
  scriptOut?: string;
  removal?: boolean;
  run?: boolean;
  exchange?: string;
}

/**
 * `entra-mail exchange-script`: the Exchange Online PowerShell for an app that already exists, for
 * an admin who runs it elsewhere. Reads the app and its service principal; changes nothing in Entra.
 */
export function exchangeScriptCommand(deps: Deps, state: CommandState): CommandModule<object, ExchangeScriptArgs> {
  return {
    command: 'exchange-script',
    describe: 'Write the Exchange Online PowerShell for an existing app (to run here with --run, or elsewhere)',
    builder: (y) =>
      withExchangeConnectOptions(withAppSelector(withTenantOptions(y)))
        .option('model', { type: 'string', describe: 'Authorization model (default: the one provision recorded on the app)' })
        .option('profile', { type: 'string', describe: 'Product profile (its Exchange steps, e.g. enaio Send As)' })
        .option('mailbox', { type: 'string', array: true, describe: 'Sending mailbox (repeatable)' })
        .option('send-as', { type: 'string', array: true, describe: 'Mailboxes the app may send as (repeatable)' })
        .option('script-out', { type: 'string', describe: 'Where to write it (default ./<app>.exchange.ps1)' })
        .option('removal', { type: 'boolean', default: false, describe: 'Write the removal script instead' })
        .option('run', { type: 'boolean', default: false, describe: 'Also run it with pwsh (same as --exchange run)' })
        .option('exchange', {
          type: 'string',
          choices: ['script', 'run', 'api'],
          describe: 'Write the script, run it, or call the admin API instead (api, experimental)',
        }) as never,
    handler: async (args) => {
      state.json = Boolean(args.json);
      const connection = resolveConnection(args, deps);
      const selector = parseAppSelector(args);
      const mailboxes = validateMailboxes(args.mailbox);
      const sendAs = validateMailboxes(args.sendAs, '--send-as');
      const profileArg = args.profile !== undefined ? getProfile(args.profile) : undefined;
      const mode = (args.exchange ?? (args.run ? 'run' : 'script')) as 'script' | 'run' | 'api';
      await checkExchangeCommand(args, { mode, cwd: deps.cwd, env: deps.env });
      const exchangeEndpoint = resolveExchangeEndpoint(args.exchangeEndpoint, connection, deps.env);
      const { graph, token, credential } = await openGraphSession(connection, args, deps, {
        graphConnections: needsDomains(args) ? 2 : 1,
      });
      const [organization, app] = await Promise.all([
        readTenant(graph, token, { domains: needsDomains(args) }),
        findSelectedApplication(graph, selector, 'exchange'),
      ]);
      const sp = await readServicePrincipalByAppId(graph, app.appId);
      const model = modelOf(app, args.model);
      const grants = exchangeGrantsFor(app.tags, { mailboxes, sendAs }, args.removal ? 'removal' : 'apply');
      const profile = profileArg ?? getProfile(profileOf(app) ?? `generic-${model}`);
      const name = app.uniqueName ?? app.appId;
      const built = buildExchangeOptions(args, {
        mode,
        scriptPath: resolve(deps.cwd, args.scriptOut ?? `${name}${args.removal ? '.exchange-removal' : '.exchange'}.ps1`),
        connection,
        env: deps.env,
        sendAs: grants.sendAs,
        enableSmtpAuth: MODELS[model].exchange.smtpAuth || profile.exchange.smtpAuth,
        organization,
        interactive: stdinIsTerminal(deps),
      });
      const options = withExchangeApi(built, { credential, connection, endpoint: exchangeEndpoint, verbose: Boolean(args.verbose), deps });
      if (!modelNeedsExchange(model)) {
        deps.stdout.write(
          args.json
            ? `${JSON.stringify({ model, appId: app.appId, exchange: { status: 'skipped', scriptPath: null } }, null, 2)}\n`
            : `Model ${model} needs nothing in Exchange Online; no script written.\n`,
        );
        return;
      }
      const desired = { model, displayName: app.displayName, mailboxes: grants.mailboxes } as Pick<
        Desired,
        'model' | 'displayName' | 'mailboxes'
      > as Desired;
      if (args.removal && !args.json) deps.stderr.write(`${describeRemovalScope(grants)}\n`);
      const ids = { appId: app.appId, servicePrincipalId: sp.id, tenantId: organization.id };
      if (mode === 'api') {
        const outcome = await applyExchangeApi(buildExchangeInput(desired, ids, options), options, deps.clock, {
          removal: Boolean(args.removal),
          dryRun: Boolean(args.dryRun),
        });
        const { result: reported, ...rest } = outcome;
        const result = { model, appId: app.appId, servicePrincipalId: sp.id, exchange: { ...rest, ...(reported ?? {}) } };
        deps.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : formatApiOutcome(app.appId, model, outcome));
        return;
      }
      const script = args.removal
        ? renderExchangeRemovalScript(buildExchangeInput(desired, ids, options))
        : renderScriptFor(desired, ids, options);
      if (args.dryRun) {
        deps.stdout.write(
          args.json ? `${JSON.stringify({ model, appId: app.appId, servicePrincipalId: sp.id, script }, null, 2)}\n` : (script ?? ''),
        );
        return;
      }
      const outcome = await applyExchange(script, options, (line) => deps.stderr.write(`${line}\n`));
      const result = {
        model,
        appId: app.appId,
        servicePrincipalId: sp.id,
        exchange: { mode: outcome.mode, status: outcome.status, scriptPath: outcome.scriptPath, ...(outcome.result ?? {}) },
      };
      deps.stdout.write(
        args.json
          ? `${JSON.stringify(result, null, 2)}\n`
          : `Exchange script for app ${app.appId} (${model}): ${outcome.scriptPath} (${outcome.status})\n`,
      );
    },
  };
}

/** The text report of `--exchange api`: each object and what was (or, with --dry-run, would be) done. */
function formatApiOutcome(appId: string, model: string, outcome: ExchangeOutcome): string {
  const lines = [`Exchange Online for app ${appId} (${model}) through the admin API (experimental): ${outcome.status}`];
  for (const change of outcome.result?.changes ?? []) lines.push(`  ${change.action.padEnd(6)} ${change.object}`);
  if (outcome.calls) lines.push(...formatExchangeCalls(outcome.calls));
  for (const warning of outcome.result?.warnings ?? []) lines.push(`warning: ${warning}`);
  return `${lines.join('\n')}\n`;
}
