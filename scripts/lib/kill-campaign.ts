import { join } from 'node:path';
import { startHarness, type Harness } from './harness.ts';
import { KILL_HOOK, runChild, type KillMode } from './kill-run.ts';
import { provisionKillPoints, rotateKillPoints, type KillPoint } from './request-kills.ts';
import { checkHoldings, readHoldings, readRetiring, type AppSinks } from './sink-holdings.ts';
import { summarizeApp } from './tenant-invariants.ts';
import { createPrng } from './virtual-clock.ts';

/** The figures of the kill campaign: every count but the first five must be zero. */
export interface KillFigures {
  runs: number;
  killedByTimer: number;
  killedInHook: number;
  killedWhileHookBlocked: number;
  killedAtRequest: number;
  finishedBeforeKill: number;
  secretsLost: number;
  sinksHoldingRevoked: number;
  unheldAfterConvergence: number;
  duplicateObjects: number;
  notConverged: number;
  /** Superseded secrets still inside their grace period after convergence (expected, not a fault). */
  retiringInGrace: number;
  failures: string[];
}

/** The apps the campaign rotates, one per combination of sinks; file-only apps are also re-provisioned. */
const SHAPES = [
  { vault: false, hook: false },
  { vault: false, hook: false },
  { vault: false, hook: true },
  { vault: true, hook: false },
  { vault: true, hook: true },
  { vault: true, hook: true },
] as const;

/**
 * `rotate` and `provision` with file, hook and Key Vault sinks, each run killed (SIGKILL of its
 * process group at a random moment, by its own `--on-rotate` hook, while that hook blocks, or at a
 * request the sandbox just handled: scripts/lib/request-kills.ts),
 * then run again until it succeeds; after each, every sink and the tenant are checked.
 */
export async function runKillCampaign(options: {
  runs: number;
  seed: number;
  concurrency?: number;
  onProgress?: (done: number) => void;
}): Promise<KillFigures> {
  const random = createPrng(options.seed);
  const h = await startHarness({ realClock: true });
  h.sandbox.ctx.knobs.replicationMs = 0;
  const figures: KillFigures = {
    runs: 0,
    killedByTimer: 0,
    killedInHook: 0,
    killedWhileHookBlocked: 0,
    killedAtRequest: 0,
    finishedBeforeKill: 0,
    secretsLost: 0,
    sinksHoldingRevoked: 0,
    unheldAfterConvergence: 0,
    duplicateObjects: 0,
    notConverged: 0,
    retiringInGrace: 0,
    failures: [],
  };
  try {
    const apps = SHAPES.map(
      (shape, i): AppSinks => ({
        uniqueName: `kill-${i}`,
        file: join(h.dir, `kill-${i}.env`),
        ...(shape.vault ? { vaultSecret: `kill-${i}` } : {}),
        ...(shape.hook ? { hookStore: join(h.dir, `kill-${i}.hook.json`) } : {}),
      }),
    );
    const durations = { provision: 0, rotate: 0 };
    for (const app of apps) {
      durations.provision = Math.max(durations.provision, (await settle(h, provisionArgs(h, app.uniqueName, app.file, false))).ms);
      durations.rotate = Math.max(durations.rotate, (await settle(h, rotateArgs(h, app, '0'))).ms);
    }
    const concurrency = Math.max(1, Math.min(options.concurrency ?? 2, apps.length));
    let next = 0;
    const worker = async (w: number) => {
      const mine = apps.filter((_, i) => i % concurrency === w);
      while (next < options.runs) {
        const n = ++next;
        const app = mine[Math.floor(random() * mine.length)] as AppSinks;
        await oneRun(h, figures, n, app, random, durations);
        figures.runs += 1;
        options.onProgress?.(figures.runs);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  } finally {
    await h.close();
  }
  return figures;
}

async function oneRun(
  h: Harness,
  figures: KillFigures,
  n: number,
  app: AppSinks,
  random: () => number,
  durations: { provision: number; rotate: number },
): Promise<void> {
  const fileOnly = !app.vaultSecret && !app.hookStore;
  const command = fileOnly && random() < 0.4 ? (random() < 0.5 ? 'fresh' : 'provision') : 'rotate';
  const target: AppSinks = command === 'fresh' ? { uniqueName: `fresh-${n}`, file: join(h.dir, `fresh-${n}.env`) } : app;
  const grace = random() < 0.6 ? '0' : '7d';
  const argv =
    command === 'rotate'
      ? rotateArgs(h, target, grace)
      : provisionArgs(h, target.uniqueName, target.file, command === 'provision' && random() < 0.5);
  let mode: KillMode = { kind: 'timer', afterMs: random() * 1.1 * (command === 'rotate' ? durations.rotate : durations.provision) };
  const roll = random();
  if (command === 'rotate' && target.hookStore && roll < 0.3) {
    const orders = ['kill-before', 'kill-after', 'block'] as const;
    mode = { kind: 'hook', order: orders[Math.floor(random() * orders.length)] as (typeof orders)[number], store: target.hookStore };
  } else if (roll > 0.65) {
    const points = command === 'rotate' ? rotateKillPoints(h, target) : provisionKillPoints(h, target.uniqueName);
    mode = { kind: 'request', point: points[Math.floor(random() * points.length)] as KillPoint };
  }
  const how =
    mode.kind === 'hook'
      ? mode.order
      : mode.kind === 'request'
        ? `at ${mode.point.name}`
        : `timer ${Math.round(mode.kind === 'timer' ? mode.afterMs : 0)} ms`;
  const label = `#${n} ${command} ${target.uniqueName} grace ${grace} ${how}`;
  const first = await runChild(h, argv, mode);
  if (!first.killed) figures.finishedBeforeKill += 1;
  else if (mode.kind === 'timer') figures.killedByTimer += 1;
  else if (mode.kind === 'request') figures.killedAtRequest += 1;
  else if (mode.kind === 'hook' && mode.order === 'block') figures.killedWhileHookBlocked += 1;
  else figures.killedInHook += 1;
  if (!first.killed && first.code !== 0) figures.failures.push(`${label}: exit ${first.code} without a kill: ${lastLine(first.stderr)}`);

  await countRevoked(h, figures, target, `${label}: after the kill`);

  // The admin's next move: usually the same command again; sometimes a rotate whose hook refuses
  // the new config (so the CLI rolls back), or a provision of the same file.
  const recovery = command === 'rotate' && random() < 0.3 ? (target.hookStore ? 'failing hook' : 'provision') : 'same';
  if (recovery === 'failing hook' && target.hookStore) {
    const failed = await runChild(h, argv, { kind: 'hook', order: 'fail', store: target.hookStore });
    if (failed.code === 0) figures.failures.push(`${label}: a rotate whose hook failed exited 0`);
    await countRevoked(h, figures, target, `${label}: after a rotate whose hook failed`);
  }
  const rerun = await settle(h, recovery === 'provision' ? provisionArgs(h, target.uniqueName, target.file, false) : argv);
  if (rerun.code !== 0) {
    figures.notConverged += 1;
    figures.failures.push(`${label} then ${recovery}: re-run exit ${rerun.code}: ${lastLine(rerun.stderr)}`);
  }
  const state = h.sandbox.snapshot();
  const journal = join(String(h.env.ENTRA_MAIL_STATE_DIR), state.tenant.id, `${target.uniqueName}.journal.json`);
  const report = checkHoldings(
    state,
    target.uniqueName,
    await readHoldings(target, state, h.minted),
    await readRetiring(journal, Date.now()),
    Date.now(),
  );
  figures.secretsLost += report.holdingNothing.length;
  figures.sinksHoldingRevoked += report.holdingRevoked.length;
  figures.unheldAfterConvergence += report.unheld.length;
  figures.retiringInGrace = Math.max(figures.retiringInGrace, report.retiring.length);
  const summary = summarizeApp(state, target.uniqueName);
  const duplicates = Math.max(0, summary.applications - 1) + Math.max(0, summary.servicePrincipals - summary.applications);
  figures.duplicateObjects += duplicates;
  const problems = [
    ...report.holdingNothing.map((s) => `${s} holds no secret`),
    ...report.holdingRevoked.map((s) => `${s} holds a revoked secret`),
    ...report.unheld.map((k) => `valid secret ${k} held by no sink`),
    ...(duplicates ? [`${duplicates} duplicate object(s)`] : []),
  ];
  if (problems.length) {
    figures.failures.push(`${label}: ${problems.join('; ')}`);
    if (process.env.RELIABILITY_TRACE) process.stderr.write(`--- ${label}\n${first.stderr}\n--- re-run\n${rerun.stderr}\n`);
  }
}

/** Sinks holding a secret the app no longer accepts, at a moment other than convergence. */
async function countRevoked(h: Harness, figures: KillFigures, target: AppSinks, when: string): Promise<void> {
  const state = h.sandbox.snapshot();
  const report = checkHoldings(state, target.uniqueName, await readHoldings(target, state, h.minted), [], Date.now());
  figures.sinksHoldingRevoked += report.holdingRevoked.length;
  if (report.holdingRevoked.length) figures.failures.push(`${when}, revoked secret in ${report.holdingRevoked.join(', ')}`);
}

/** Runs the command until it succeeds (at most three times): the admin running it again. */
async function settle(h: Harness, argv: string[]) {
  let last = await runChild(h, argv, { kind: 'none' });
  for (let attempt = 1; attempt < 3 && last.code !== 0; attempt++) last = await runChild(h, argv, { kind: 'none' });
  return last;
}

function provisionArgs(h: Harness, uniqueName: string, file: string, newSecret: boolean): string[] {
  return [
    'provision',
    ...h.common,
    '--model',
    'graph',
    '--name',
    `Kill ${uniqueName}`,
    '--unique-name',
    uniqueName,
    '--mailbox',
    'noreply@contoso.com',
    '--exchange',
    'skip',
    '--out',
    file,
    '--format',
    'env',
    ...(newSecret ? ['--new-secret'] : []),
  ];
}

function rotateArgs(h: Harness, app: AppSinks, grace: string): string[] {
  return [
    'rotate',
    ...h.common,
    '--app',
    app.uniqueName,
    '--out',
    app.file,
    '--grace',
    grace,
    '--verify-timeout',
    '30',
    '--yes',
    ...(app.vaultSecret ? ['--key-vault', h.sandbox.settings.keyVaultUrl, '--key-vault-secret', app.vaultSecret] : []),
    ...(app.hookStore ? ['--on-rotate', `${process.execPath} ${KILL_HOOK} ${app.hookStore}`] : []),
  ];
}

function lastLine(stderr: string): string {
  return (
    stderr
      .split('\n')
      .filter((l) => l.startsWith('entra-mail:'))
      .at(-1) ??
    stderr.trim().split('\n').at(-1) ??
    ''
  );
}
