import type { ListrTask } from 'listr2';
import type { Deps } from '../core/deps.ts';
import { LocalStateError } from '../core/errors.ts';
import type { Journal } from '../credentials/journal.ts';
import { applySecret, type MintedSecret } from '../credentials/secret.ts';
import type { GraphGateway } from '../graph/gateway.ts';
import type { Application } from '../graph/types.ts';
import { paletteFor } from '../core/style.ts';
import { applyApplication } from './application.ts';
import { applyCertificate, type MintedCertificate } from './certificate.ts';
import { applyConsent } from './consent.ts';
import { checksExchangeInDryRun, needsTenantDomains, previewScript, runExchangeStep } from './exchange-step.ts';
import { deliverToExtraSinks } from './extra-sinks.ts';
import { observe } from './observe.ts';
import { deliverOutput } from './output.ts';
import { changed, changesTenant, mintWhereSinksLack, planProvision, type ProvisionPlan } from './plan.ts';
import { provisionJournal, recordFileDelivered, recordFilePending, retireAfterProvision } from './provision-journal.ts';
import { currentApp, type ProvisionContext, type ProvisionRequest } from './request.ts';
import { applyServicePrincipal } from './service-principal.ts';
import { chooseProgressMode, runTasks } from './task-runner.ts';
import type { Observed } from './types.ts';

/**
 * read → plan → apply as one task list. Calls that do not depend on each other run together: the
 * service principal and the secret both need only the app; consent needs the service principal.
 * `--dry-run` is the same path with every apply task skipped.
 */
export async function provision(request: ProvisionRequest, deps: Deps, graph: GraphGateway): Promise<ProvisionContext> {
  const { desired } = request;
  const journal = provisionJournal(deps, desired.uniqueName, request.dryRun, request.sinkProbe);
  const skipApply = () => request.dryRun;
  const saveJournal = (j: Journal) => journal.save(j);
  /** Saves the journal and hands it back, for the steps that thread it through (sinks, retirement). */
  const saveAndKeep = async (j: Journal) => {
    await journal.save(j);
    return j;
  };
  /** Write the config and record the delivery in the journal around it (docs/credential-lifecycle.md). */
  const deliver = async (ctx: ProvisionContext): Promise<void> => {
    const marker = ctx.minted?.marker ?? ctx.certificate?.marker;
    const record = async (change: (j: Journal, marker: string, at: string) => Journal) => {
      if (!marker || !ctx.journal) return;
      ctx.journal = change(ctx.journal, marker, deps.clock.now().toISOString());
      await journal.save(ctx.journal);
    };
    ctx.delivered = await deliverOutput(request, ctx, {
      beforeWrite: (sink) => record((j, m, at) => recordFilePending(j, m, sink, at)),
    }).catch((error: unknown) => {
      throw explainUndelivered(error, ctx);
    });
    const extra = ctx.minted && ctx.journal && request.extraSinks ? request.extraSinks.build(currentApp(ctx)) : undefined;
    if (extra && ctx.minted && ctx.journal) {
      const handle = { journal: ctx.journal, save: saveAndKeep };
      try {
        await deliverToExtraSinks({ clock: deps.clock, log: () => undefined }, handle, extra, ctx.minted);
      } finally {
        ctx.journal = handle.journal;
      }
    }
    await record(recordFileDelivered);
    for (const sink of extra?.sinks ?? []) await sink.commit();
  };
  /**
   * The config goes out once: as soon as the credential exists, beside consent (the Config output
   * step reports how it went), or from a failure path after minting.
   */
  let delivering: Promise<void> | undefined;
  const deliverOnce = (ctx: ProvisionContext): Promise<void> => {
    delivering ??= deliver(ctx);
    return delivering;
  };
  /** The secret step, or its certificate variant with rotate's minting (src/provision/certificate.ts). */
  const applyCredential = async (
    ctx: ProvisionContext,
    app: Application,
  ): Promise<{ journal: Journal; minted?: MintedSecret; certificate?: MintedCertificate }> => {
    const plan = ctx.plan as ProvisionPlan;
    const journal = { ...(ctx.journal as Journal), appId: app.appId };
    if (!plan.certificate)
      return applySecret({ graph, nowMs: deps.clock.nowMs(), newRunId: deps.newId, saveJournal }, app, desired, plan.secret, journal);
    const tenantId = (ctx.observed as Observed).organization.id;
    const lifecycle = {
      graph,
      clock: deps.clock,
      env: deps.env,
      newId: deps.newId,
      tenantId,
      endpoints: request.connection.endpoints,
      graphScope: request.connection.graphScope,
      log: () => undefined,
    };
    const result = await applyCertificate(lifecycle, app, desired, plan.certificate, journal, saveJournal);
    return { journal: result.journal, ...(result.minted ? { certificate: result.minted } : {}) };
  };
  const tasks: ListrTask<ProvisionContext>[] = [
    {
      title: 'Read the tenant',
      task: async (ctx) => {
        ctx.observed = await observe(graph, desired, {
          openJournal: journal.open,
          peekAppId: journal.peekAppId,
          tenant: { id: request.tenantId, domains: needsTenantDomains(request.exchange) },
        });
        ctx.journal = ctx.observed.journal ?? {
          version: 1,
          tenantId: ctx.observed.organization.id,
          uniqueName: desired.uniqueName,
          credentials: [],
        };
      },
    },
    {
      title: 'Plan',
      task: async (ctx, task) => {
        const observed = ctx.observed as Observed;
        ctx.plan = planProvision(desired, observed, request.exchange, deps.clock.nowMs());
        await mintWhereSinksLack(ctx.plan, observed, request.extraSinks, desired.secretLifetimeDays);
        const pending = ctx.plan.changes.filter(changed).length;
        task.title = pending ? `Plan: ${pending} change(s)` : 'Plan: up to date';
        request.onPlan?.(ctx.plan, observed);
        if (request.dryRun) ctx.script = previewScript(ctx, request);
      },
    },
    {
      title: 'Application',
      skip: (ctx) => skipApply() || !changed((ctx.plan as ProvisionPlan).application.change),
      task: async (ctx) => {
        ctx.application = await applyApplication(graph, desired, ctx.observed as Observed, (ctx.plan as ProvisionPlan).application);
      },
    },
    {
      // The two run together (both need only the app) but as one task, with consent and the config
      // file that follow them: all are settled before it ends, so a failure of one never leaves
      // another running after the command has returned.
      title: request.desired.credential === 'certificate' ? 'Service principal and certificate' : 'Service principal and client secret',
      skip: () => skipApply(),
      task: async (ctx, task) => {
        const app = currentApp(ctx);
        const servicePrincipal = applyServicePrincipal(graph, app, ctx.observed as Observed).then((value) => {
          task.output = 'service principal ready';
          return value;
        });
        // Consent needs only the service principal: it goes out as soon as that is ready, while the
        // secret is still being journaled and written (the Admin consent step reports it).
        const consent = (ctx.plan as ProvisionPlan).consent;
        const consenting = consent.changes.some(changed)
          ? servicePrincipal.then((sp) => applyConsent(graph, sp, consent))
          : Promise.resolve();
        const secretMade = applyCredential(ctx, app).then((made) => {
          ctx.journal = made.journal;
          ctx.minted = made.minted;
          ctx.certificate = made.certificate;
        });
        // The config needs only the app and the credential: it is written while consent is on its way.
        const delivered = secretMade.then(() => deliverOnce(ctx));
        const [sp, secret, consented] = await Promise.allSettled([servicePrincipal, secretMade, consenting, delivered]);
        ctx.consented = consented;
        if (sp.status === 'fulfilled') ctx.servicePrincipal = sp.value;
        if (sp.status === 'rejected' && secret.status === 'rejected') throw sp.reason;
        if (secret.status === 'rejected') throw secret.reason;
        if (sp.status === 'rejected') {
          // The secret exists now: deliver it before failing, so the re-run finds it held
          // instead of revoking it and minting another (lose nothing).
          if (ctx.minted || ctx.certificate) await deliverOnce(ctx);
          throw sp.reason;
        }
      },
    },
    {
      title: 'Admin consent',
      skip: (ctx) => skipApply() || !(ctx.plan as ProvisionPlan).consent.changes.some(changed),
      // The step before started it (both skip alike, and a failed step ends the list): this reports how it ended.
      task: (ctx) => {
        if (ctx.consented?.status === 'rejected') throw ctx.consented.reason;
      },
    },
    {
      title: 'Config output',
      skip: () => skipApply(),
      task: async (ctx) => {
        await deliverOnce(ctx);
        const kept = (ctx.plan as ProvisionPlan).secret.kept;
        const current = ctx.minted
          ? { kind: 'secret' as const, keyId: ctx.minted.credential.keyId, outPath: request.output.outPath, minted: true }
          : ctx.certificate && request.output.certificateOut
            ? { kind: 'certificate' as const, keyId: ctx.certificate.keyId, outPath: request.output.certificateOut, minted: true }
            : kept
              ? { kind: 'secret' as const, keyId: kept.keyId, outPath: request.output.outPath, minted: false }
              : undefined;
        ctx.journal = await retireAfterProvision(
          { graph, clock: deps.clock },
          currentApp(ctx),
          ctx.journal as Journal,
          saveAndKeep,
          current,
          request.sinkProbe,
        );
      },
    },
    {
      title: request.exchange.mode === 'api' ? 'Exchange Online (admin API, experimental)' : 'Exchange Online',
      // --exchange api lists its writes in a dry run: its reads are the plan (like the script's Get- checks);
      // --exchange run runs the script read-only when the app and its service principal exist.
      skip: (ctx) => (skipApply() && !checksExchangeInDryRun(request, ctx)) || request.exchange.mode === 'skip',
      // pwsh's lines (the device code to enter, above all) show under the task as they come, and stay.
      rendererOptions: { persistentOutput: true, outputBar: Number.POSITIVE_INFINITY },
      task: async (ctx, task) => {
        await runExchangeStep(request, ctx, deps.clock, (line) => {
          task.output = line;
        });
      },
    },
  ];
  // Read and plan, then (outside any task list, so the question is not drawn over) ask, then apply.
  const ctx: ProvisionContext = { desired };
  const progress = {
    mode: chooseProgressMode({ json: request.json, quiet: request.quiet, stderr: deps.stderr }),
    stderr: deps.stderr,
    palette: paletteFor(deps.stderr, deps.env),
    ...(deps.activity ? { activity: deps.activity } : {}),
  };
  try {
    await runTasks(tasks.slice(0, 2), ctx, progress);
    const plan = ctx.plan as ProvisionPlan;
    if (!request.dryRun && request.confirm && changesTenant(plan, request.exchange)) {
      if (!(await request.confirm(plan, ctx.observed as Observed))) return { ...ctx, declined: true };
    }
    return await runTasks(tasks.slice(2), ctx, { ...progress, changes: !request.dryRun });
  } catch (error) {
    // A step after minting failed (consent, a lost answer…): the new credential goes to its sink
    // before the command fails, so no valid secret is left that nobody holds.
    if ((ctx.minted || ctx.certificate) && !ctx.delivered && !request.dryRun) await deliverOnce(ctx).catch(() => undefined);
    throw error;
  } finally {
    await journal.release();
  }
}

/**
 * A config that could not be written after the tenant changed: the message says what is in place
 * and where the new credential is (nowhere), keeping the file error's own exit code.
 */
function explainUndelivered(error: unknown, ctx: ProvisionContext): unknown {
  const keyId = ctx.minted?.credential.keyId ?? ctx.certificate?.keyId;
  if (!(error instanceof LocalStateError) || keyId === undefined) return error;
  const app = ctx.application ?? ctx.observed?.application;
  const done = (ctx.plan?.changes ?? []).filter((c) => c.action !== 'none' && c.step !== 'exchange').map((c) => c.step);
  return new LocalStateError(
    `${error.message}. In the tenant now: ${done.length > 0 ? done.join(', ') : 'nothing new'}${app ? ` (app ${app.appId})` : ''}; ` +
      `the new credential ${keyId} is in no file: the journal records it as undelivered, and the next run removes it and mints another.`,
    {
      step: 'config',
      object: error.object,
      code: error.code,
      cause: error,
      suggestion: 'Fix the path (or choose another --out) and run the same command again.',
    },
  );
}
