import { paletteFor } from '../../core/style.ts';
import type { CommandModule } from 'yargs';
import { type Deps, stdinIsTerminal } from '../../core/deps.ts';
import { ExitCode, UsageError } from '../../core/errors.ts';
import { needsTenantDomains } from '../../provision/exchange-step.ts';
import { provision } from '../../provision/pipeline.ts';
import { privilegesOf } from '../../provision/plan.ts';
import type { ProvisionContext, ProvisionRequest } from '../../provision/request.ts';
import type { VerifyReport } from '../../mail/types.ts';
import type { CommandState } from '../shared/command-state.ts';
import { formatVerifyReport } from '../shared/verify-report.ts';
import { validateMailbox } from '../../core/validate.ts';
import { buildProvisionResult, type ProvisionResult } from '../../provision/result.ts';
import { certificateSignIn } from '../../provision/certificate.ts';
import { resolveConnection } from '../shared/connection.ts';
import { checkStateDirectory } from '../../credentials/journal.ts';
import { resolveExchangeEndpoint, withExchangeApi } from '../shared/exchange-api.ts';
import { formatExchangeCalls } from '../shared/exchange-calls.ts';
import { openGraphSession } from '../shared/graph-session.ts';
import { preloadTaskRunner } from '../../provision/task-runner.ts';
import { preloadLock } from '../../credentials/lock.ts';
import { vaultProbe } from '../../provision/provision-journal.ts';
import { tenantIdOf } from '../../graph/organization.ts';
import { argsForExistingApp, checkAppArgs } from './existing-app.ts';
import { buildProvisionRequest, checkProvisionPreconditions, withProvisionOptions, type ProvisionArgs } from './options.ts';
import { planWarnings } from '../../provision/warnings.ts';
import { confirmPlan, describeDeclined, formatChanges } from '../shared/confirm.ts';
import { assertPrivileges, checkPrivileges, describeMissing, type PreflightReport } from '../../preflight/check-privileges.ts';

export function provisionCommand(deps: Deps, state: CommandState): CommandModule<object, ProvisionArgs> {
  return {
    command: 'provision',
    describe: 'Register the app, grant and consent its permission, mint a secret, do the Exchange step and print the config',
    builder: (y) =>
      withProvisionOptions(y)
        .option('detailed-exitcode', { type: 'boolean', default: false, describe: 'With --dry-run: exit 10 when changes are pending' })
        .option('verify', {
          type: 'boolean',
          default: false,
          describe: 'After provisioning, verify with a real test message (needs a new secret)',
        })
        .option('to', { type: 'string', describe: 'With --verify: recipient of the test message (default: the mailbox)' }),
    handler: async (args) => {
      state.json = Boolean(args.json);
      state.verbose = Boolean(args.verbose);
      const connection = resolveConnection(args, deps);
      checkAppArgs(args);
      // Without --app everything is validated before sign-in; with it, once the app is read.
      const early =
        args.app === undefined && args.adopt === undefined ? buildProvisionRequest(args, connection, deps.cwd, deps.env) : undefined;
      // --adopt: the unique name (and so the file names) come from the app; every other value is checked now.
      if (args.adopt !== undefined)
        buildProvisionRequest({ ...args, uniqueName: args.uniqueName ?? 'adopted-app' }, connection, deps.cwd, deps.env);
      // Validated before sign-in like every other value: a bad --to must not surface after the changes.
      const to = args.to !== undefined ? validateMailbox(args.to, '--to') : undefined;
      if (args.detailedExitcode && !args.dryRun)
        throw new UsageError('--detailed-exitcode goes with --dry-run: it reports pending changes.', { flag: '--detailed-exitcode' });
      // Files, pwsh and the state directory too (docs/local-safety.md); with --app the file names
      // depend on the app, so its files are checked once it is read, still before any change.
      if (early) await checkProvisionPreconditions(early, deps.env);
      else await checkStateDirectory(deps.env);
      const exchangeEndpoint = resolveExchangeEndpoint(args.exchangeEndpoint, connection, deps.env);
      const { graph, token, credential } = await openGraphSession(connection, args, deps, {
        preload: () => [preloadTaskRunner(), preloadLock()],
        // The read's first round (src/provision/observe.ts): the app, a deleted app holding its name, the two
        // resource service principals, the service principal a re-run's journal names, and the organization
        // when its domains are needed; with --app/--adopt, the app.
        graphConnections: early ? 5 + (needsTenantDomains(early.exchange) ? 1 : 0) : 1,
      });
      const request = early ?? buildProvisionRequest(await argsForExistingApp(graph, args), connection, deps.cwd, deps.env);
      if (!early) await checkProvisionPreconditions(request, deps.env);
      request.exchange.interactive = stdinIsTerminal(deps);
      request.tenantId = tenantIdOf(token);
      request.exchange = withExchangeApi(request.exchange, {
        credential,
        connection,
        endpoint: exchangeEndpoint,
        verbose: state.verbose,
        deps,
      });
      request.sinkProbe = vaultProbe(credential);
      // Preflight before any change: a run that cannot finish stops here with exit 4; a
      // dry run shows the gaps as part of the plan instead.
      let preflight: PreflightReport = { identity: 'unknown', checked: false, missing: [] };
      let warnings: string[] = [];
      request.onPlan = (plan, observed) => {
        const { consents, writesApplication } = privilegesOf(plan, observed);
        preflight = checkPrivileges(token, consents, writesApplication, needsTenantDomains(request.exchange));
        warnings = planWarnings(plan, observed);
        if (!request.dryRun) assertPrivileges(preflight, { tenant: connection.tenant });
      };
      // Plan, then ask (in a terminal, unless --yes): nothing changes before the answer is yes.
      request.confirm = async (plan) => {
        const count = plan.changes.filter((c) => c.action !== 'none').length;
        const question = `Apply ${count} ${count === 1 ? 'change' : 'changes'} to tenant ${connection.tenant}?`;
        const outcome = await confirmPlan(
          { plan: ['Plan:', ...formatChanges(plan.changes)], warnings, question, yes: Boolean(args.yes) },
          deps,
        );
        return outcome !== 'declined';
      };
      const ctx = await provision(request, deps, graph);
      if (ctx.declined) {
        deps.stderr.write(describeDeclined(connection.tenant));
        if (args.json)
          deps.stdout.write(
            `${JSON.stringify({ declined: true, tenantId: ctx.observed?.organization.id, changes: ctx.plan?.changes ?? [], warnings }, null, 2)}\n`,
          );
        return;
      }
      const result = {
        ...buildProvisionResult(request, ctx),
        warnings,
        ...(request.dryRun ? { preflight: { identity: preflight.identity, checked: preflight.checked, missing: preflight.missing } } : {}),
      };
      const verification = args.verify && !request.dryRun ? await verifyProvisioned(request, ctx, to, deps) : undefined;
      if (args.json) deps.stdout.write(`${JSON.stringify(verification ? { ...result, verify: verification } : result, null, 2)}\n`);
      else {
        deps.stdout.write(
          formatProvisionSummary(result, ctx.delivered?.shown, ctx.delivered?.kept ?? false, ctx.delivered?.writtenTo ?? undefined),
        );
        if (warnings.length > 0) deps.stdout.write(`\n${warnings.map((w) => `Warning: ${w}`).join('\n')}\n`);
        if (verification) deps.stdout.write(`\nVerify:\n${formatVerifyReport(verification, paletteFor(deps.stdout, deps.env))}`);
        if (request.dryRun) deps.stdout.write(formatPreflight(describeMissing(preflight)));
      }
      if (request.dryRun && preflight.missing.length > 0) {
        deps.stderr.write(
          `entra-mail: preflight: this run would stop with exit 4 before any change: ${describeMissing(preflight).join('; ')}.\n`,
        );
        state.exitCode = ExitCode.permission;
        return;
      }
      if (verification && verification.exitCode !== 0) state.exitCode = verification.exitCode;
      const pending = result.changes.some((c) => c.action !== 'none');
      if (request.dryRun && args.detailedExitcode && pending) state.exitCode = ExitCode.attention;
    },
  };
}

/** provision --verify: the new secret (or certificate: a client assertion), in memory, never re-read from the file. */
async function verifyProvisioned(
  request: ProvisionRequest,
  ctx: ProvisionContext,
  to: string | undefined,
  deps: Deps,
): Promise<VerifyReport | undefined> {
  const app = ctx.application ?? ctx.observed?.application;
  const credential = ctx.minted
    ? { kind: 'secret' as const, secret: ctx.minted.secret }
    : ctx.certificate
      ? certificateSignIn(ctx.certificate)
      : undefined;
  if (!credential || !app || !ctx.observed) {
    const what =
      request.desired.credential === 'certificate'
        ? 'certificate; run `entra-mail verify --certificate FILE --private-key FILE`'
        : 'secret; run `entra-mail verify`';
    deps.stderr.write(`verify skipped: no new ${what} with the credential you hold.\n`);
    return undefined;
  }
  if (request.desired.model === 'delegated-smtp') {
    deps.stderr.write("verify skipped: delegated-smtp sends as a signed-in user; finish the product's Authorize step and test there.\n");
    return undefined;
  }
  const { verifyApp } = await import('../../mail/verify.ts');
  const mailbox = request.desired.mailboxes[0] as string;
  return verifyApp(
    {
      model: request.desired.model,
      tenantId: ctx.observed.organization.id,
      clientId: app.appId,
      credential,
      mailbox,
      to: to ?? mailbox,
      endpoints: request.connection.endpoints,
      graphScope: request.connection.graphScope,
      sendTestMessage: true,
      secretPropagationDeadlineMs: 180_000,
      exchangeAppliedAt: ctx.exchange?.status === 'applied' || ctx.exchange?.status === 'pending' ? deps.clock.now() : undefined,
      mailboxState: ctx.exchange?.result?.mailboxes?.find((m) => m.address.toLowerCase() === mailbox.toLowerCase())?.state,
      // This run consented: a role missing from the first tokens is still replicating, not missing.
      consentAppliedAt: (ctx.plan?.consent.changes ?? []).some((c) => c.action !== 'none') ? deps.clock.now() : undefined,
    },
    { clock: deps.clock },
  );
}

function formatPreflight(missing: string[]): string {
  if (missing.length === 0) return '\nPreflight: the signed-in identity holds every permission and role this run needs.\n';
  return `\nPreflight: the run would stop before any change:\n${missing.map((m) => `  missing: ${m}`).join('\n')}\n`;
}

/** The human summary on stdout: what changed, the config (masked unless --show-secret), where things went. */
export function formatProvisionSummary(result: ProvisionResult, shown: string | undefined, kept: boolean, configPath?: string): string {
  const lines: string[] = [];
  const title = result.dryRun ? 'Plan (dry run, nothing changed):' : 'Changes:';
  lines.push(title);
  for (const c of result.changes) lines.push(`  ${c.action.padEnd(6)} ${c.step.padEnd(17)} ${c.summary}`);
  if (result.dryRun) {
    if (result.script) lines.push('', 'Exchange Online script that will be written:', '', result.script.trimEnd());
    if (result.exchange.calls) lines.push('', ...formatExchangeCalls(result.exchange.calls));
    return `${lines.join('\n')}\n`;
  }
  if (result.application)
    lines.push('', `Application (client) ID: ${result.application.appId}`, `Directory (tenant) ID:   ${result.tenantId}`);
  if (result.servicePrincipal) lines.push(`Enterprise app object ID: ${result.servicePrincipal.id}`);
  if (result.secret) lines.push(`Client secret: keyId ${result.secret.keyId}, expires ${result.secret.endDateTime.slice(0, 10)}`);
  if (result.certificate)
    lines.push(
      `Certificate: keyId ${result.certificate.keyId}, thumbprint ${result.certificate.thumbprint ?? 'unknown'}, expires ${result.certificate.endDateTime.slice(0, 10)}`,
    );
  if (result.exchange.scriptPath) lines.push(`Exchange script: ${result.exchange.scriptPath} (${result.exchange.status})`);
  else if (result.exchange.mode === 'api' && result.exchange.changes) {
    lines.push(`Exchange Online (admin API, experimental): ${result.exchange.status}`);
    for (const c of result.exchange.changes) lines.push(`  ${c.action.padEnd(6)} ${c.object}`);
  }
  if (shown) lines.push('', 'Config:', '', shown.trimEnd());
  if (result.certificate !== undefined) {
    if (result.certificate?.writtenTo) {
      lines.push(
        '',
        `The private key and certificate were written to ${result.certificate.writtenTo} (mode 0600); only the public part went to Entra.`,
      );
      if (configPath) lines.push(`The config, which names that file, was written to ${configPath}.`);
    } else
      lines.push(
        '',
        'No new certificate on this run (a valid one exists): the config and PEM files were left unchanged; --new-secret mints another.',
      );
    return `${lines.join('\n')}\n`;
  }
  if (result.secret?.writtenTo) lines.push('', `The full config, secret included, was written to ${result.secret.writtenTo} (mode 0600).`);
  else if (kept) lines.push('', 'No new secret on this run: the existing config file was left unchanged (--new-secret mints one).');
  else if (!result.secret?.writtenTo)
    lines.push('', 'No new secret on this run (a valid one exists); use --new-secret if you need its value again.');
  return `${lines.join('\n')}\n`;
}
