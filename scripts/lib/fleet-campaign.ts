import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startHarness, type Harness } from './harness.ts';
import { checkFleet, emptyFleetFigures, type FleetFigures, type FleetLayout } from './fleet-checks.ts';
import { runChild, type ChildRun, type KillMode } from './kill-run.ts';
import type { KillPoint } from './request-kills.ts';
import { createPrng } from './virtual-clock.ts';

/** The wrong admin secret one tenant's sign-in is given: that tenant fails every run (AADSTS7000215) and is named. */
const STALE_SECRET = 'STALE_ADMIN_SECRET';

/**
 * The fault campaign across a fleet (docs/reliability.md#fleet-campaign): a fleet file of
 * `tenants` sandbox tenants × 2 apps (a Graph app with a config file; an SMTP app with a config
 * file and a Key Vault secret), one tenant signed in to with a wrong secret. Each run is `apply -f`
 * (after new apps were added to a few tenants) or `rotate -f`, with Graph throttling (429 with
 * Retry-After) on a few tenants and a replication delay, SIGKILLed at a random moment or right after
 * the sandbox carried out one of its writes, then run again. After each: every other tenant
 * converged, no orphaned app, no duplicate, no secret lost, no sink holding a revoked secret.
 */
export async function runFleetCampaign(options: {
  kills: number;
  seed: number;
  tenants?: number;
  /** Only kills at a request (deterministic points, for the test). */
  requestKillsOnly?: boolean;
  onProgress?: (done: number) => void;
}): Promise<FleetFigures> {
  const random = createPrng(options.seed);
  const count = Math.max(2, options.tenants ?? 20);
  const h = await startHarness({ realClock: true, tenants: count });
  const figures = emptyFleetFigures();
  try {
    const layout = await writeFleetFile(h, count);
    h.env[STALE_SECRET] = 'not-the-admin-secret';
    figures.tenants = count;
    const first = await settle(h, layout, ['apply', '-f', layout.file, '--yes']);
    if (!first.ok) figures.failures.push(`first apply: ${first.problem}`);
    const rotated = await settle(h, layout, rotateArgs(layout));
    if (!rotated.ok) figures.failures.push(`first rotate: ${rotated.problem}`);
    const durations = { apply: first.ms, rotate: rotated.ms };
    for (let n = 1; n <= options.kills; n++) {
      await oneRun(h, layout, figures, n, random, durations, Boolean(options.requestKillsOnly));
      options.onProgress?.(n);
    }
    // Converged: a plan of the whole file finds nothing to change in any tenant but the failing one.
    const plan = await runChild(h, ['plan', '-f', layout.file, '--json', ...h.common], { kind: 'none' });
    const drift = reportOf(plan)?.tenants.filter((t) => t.status !== 'ok' && t.tenant !== layout.failing) ?? [];
    figures.tenantsNotConverged += drift.length;
    for (const t of drift) figures.failures.push(`final plan: ${t.tenant} is ${t.status}`);
    figures.earlyRetries = h.sandbox.ctx.earlyRetries.length;
  } finally {
    await h.close();
  }
  return figures;
}

async function oneRun(
  h: Harness,
  layout: FleetLayout,
  figures: FleetFigures,
  n: number,
  random: () => number,
  durations: { apply: number; rotate: number },
  requestKillsOnly: boolean,
): Promise<void> {
  const command = random() < 0.5 ? 'apply' : 'rotate';
  if (command === 'apply') {
    // Something for apply to do: a new app in three tenants.
    for (let k = 0; k < 3; k++) layout.addApp(Math.floor(random() * (layout.tenants.length - 1)), `batch-${n}-${k}`);
    await writeFile(layout.file, layout.render());
  }
  const argv = command === 'apply' ? ['apply', '-f', layout.file, '--yes', ...h.common] : [...rotateArgs(layout), ...h.common];
  // Throttling on two tenants, and a replication delay for this run.
  h.sandbox.ctx.knobs.replicationMs = [0, 500, 2000][Math.floor(random() * 3)] as number;
  const firedBefore = h.sandbox.ctx.firedFaults.length;
  for (let k = 0; k < 2; k++) {
    const tenant = layout.tenants[Math.floor(random() * (layout.tenants.length - 1))] as string;
    h.sandbox.ctx.faults.push({
      kind: 'graph',
      tenant,
      path: /^\/v1\.0\//,
      nth: 1 + Math.floor(random() * 6),
      times: 2,
      action: { type: 'status', status: 429, headers: { 'Retry-After': '1' } },
    });
  }
  const mode = killMode(layout, command, random, command === 'apply' ? durations.apply : durations.rotate, requestKillsOnly);
  const how =
    mode.kind === 'request'
      ? `at ${mode.point.name} #${mode.point.nth}`
      : `timer ${Math.round(mode.kind === 'timer' ? mode.afterMs : 0)} ms`;
  const label = `#${n} ${command} -f, replication ${h.sandbox.ctx.knobs.replicationMs} ms, killed ${how}`;
  const killed = await runChild(h, argv, mode);
  if (!killed.killed) figures.finishedBeforeKill += 1;
  else if (mode.kind === 'request') figures.killedAtRequest += 1;
  else figures.killedByTimer += 1;
  figures.runs += 1;
  await checkFleet(h, layout, figures, `${label}: after the kill`, { revokedOnly: true });
  const rerun = await settle(h, layout, argv);
  figures.throttled += h.sandbox.ctx.firedFaults.slice(firedBefore).filter((f) => f.action === 'status').length;
  h.sandbox.ctx.faults.length = 0;
  if (!rerun.ok) {
    figures.tenantsNotConverged += rerun.others;
    figures.failures.push(`${label}: the re-run ${rerun.problem}`);
  } else figures.signInFailuresNamed += 1;
  await checkFleet(h, layout, figures, label, { revokedOnly: false });
}

/** A moment to die: at a random time, or right after the sandbox carried out a write (its answer never arrives). */
function killMode(
  layout: FleetLayout,
  command: 'apply' | 'rotate',
  random: () => number,
  durationMs: number,
  requestOnly: boolean,
): KillMode {
  if (!requestOnly && random() < 0.5) return { kind: 'timer', afterMs: random() * 1.1 * durationMs };
  const apps = layout.tenants.length - 1;
  const written = (e: { status: number }) => e.status >= 200 && e.status < 300;
  const points: KillPoint[] =
    command === 'rotate'
      ? [
          { name: 'addPassword', matches: (e) => e.method === 'POST' && e.path.endsWith('/addPassword') && written(e), nth: 1 },
          { name: 'Key Vault write', matches: (e) => e.method === 'PUT' && e.path.includes('/secrets/') && written(e), nth: 1 },
          { name: 'removePassword', matches: (e) => e.method === 'POST' && e.path.endsWith('/removePassword') && written(e), nth: 1 },
        ]
      : [
          { name: 'app upsert', matches: (e) => e.method === 'PATCH' && e.path.includes('(uniqueName=') && written(e), nth: 1 },
          { name: 'addPassword', matches: (e) => e.method === 'POST' && e.path.endsWith('/addPassword') && written(e), nth: 1 },
          { name: 'Graph write', matches: (e) => e.kind === 'graph' && e.method !== 'GET' && written(e), nth: 1 },
        ];
  const point = points[Math.floor(random() * points.length)] as KillPoint;
  // How many of them a run makes: a rotation per app (two per tenant), one vault write, three new apps, ~6 writes each.
  const most = {
    addPassword: command === 'rotate' ? 2 * apps : 3,
    'Key Vault write': 1,
    removePassword: apps,
    'app upsert': 3,
    'Graph write': 18,
  };
  return { kind: 'request', point: { ...point, nth: 1 + Math.floor(random() * (most[point.name as keyof typeof most] ?? 1)) } };
}

/** The fleet settled: exit 7 with exactly the failing tenant named (at most three tries, as an admin would). */
async function settle(h: Harness, layout: FleetLayout, argv: string[]) {
  const full = argv.includes('--auth') ? argv : [...argv, ...h.common];
  let last: ChildRun = await runChild(h, [...full, '--json'], { kind: 'none' });
  for (let attempt = 1; attempt < 3 && !settled(last, layout).ok; attempt++)
    last = await runChild(h, [...full, '--json'], { kind: 'none' });
  return { ...settled(last, layout), ms: last.ms };
}

function settled(run: ChildRun, layout: FleetLayout): { ok: boolean; others: number; problem: string } {
  const report = reportOf(run);
  if (!report)
    return { ok: false, others: layout.tenants.length - 1, problem: `exited ${run.code} without a report: ${run.stderr.slice(-300)}` };
  const others = report.failed.filter((t) => t !== layout.failing);
  const named = report.failed.includes(layout.failing);
  const ok = run.code === 7 && named && others.length === 0;
  const why = report.tenants
    .filter((t) => others.includes(t.tenant))
    .map((t) => `${t.tenant}: ${String(t.error?.message ?? t.apps?.find((a) => a.error)?.error?.message ?? t.status)}`);
  return {
    ok,
    others: others.length,
    problem: ok ? '' : `exited ${run.code}, failed: ${why.join('; ') || report.failed.join(', ') || 'none'}`,
  };
}

interface Report {
  failed: string[];
  tenants: {
    tenant: string;
    status: string;
    error?: { message?: string };
    apps?: { uniqueName: string; error?: { message?: string } }[];
  }[];
}

function reportOf(run: ChildRun): Report | undefined {
  try {
    return JSON.parse(run.stdout) as Report;
  } catch {
    return undefined;
  }
}

function rotateArgs(layout: FleetLayout): string[] {
  return ['rotate', '-f', layout.file, '--yes'];
}

/**
 * The fleet file: every tenant with Notices (Graph, config file) and Scanner (SMTP, config file; in the
 * first tenant also a Key Vault secret: the sandbox's vault challenges for the first tenant, so a
 * token of another tenant is refused by @azure/identity, as for a real vault in another tenant);
 * the last tenant's sign-in fails.
 */
async function writeFleetFile(h: Harness, count: number): Promise<FleetLayout> {
  const tenants = h.sandbox.tenants.slice(0, count);
  const extra = new Map<number, string[]>();
  const vault = h.sandbox.settings.keyVaultUrl;
  const layout: FleetLayout = {
    file: join(h.dir, 'entra-mail.yaml'),
    dir: h.dir,
    tenants: tenants.map((t) => t.tenantId),
    failing: tenants.at(-1)?.tenantId as string,
    apps: (index) => [
      { uniqueName: 'notices', grace: '0' },
      { uniqueName: 'scanner', ...(index === 0 ? { vaultSecret: 'scanner' } : {}), grace: '7d' },
      ...(extra.get(index) ?? []).map((uniqueName) => ({ uniqueName, grace: '7d' })),
    ],
    addApp: (index, uniqueName) => extra.set(index, [...(extra.get(index) ?? []), uniqueName]),
    render: () => {
      const lines = [
        'version: 1',
        'defaults:',
        '  app: { exchange: skip, format: env, sinks: { out: "{tenant}/{uniqueName}.env" } }',
        'tenants:',
      ];
      tenants.forEach((t, i) => {
        const mailbox = t.mailboxes[0] as string;
        lines.push(`  - tenant: ${t.tenantId}`);
        if (i === tenants.length - 1) lines.push(`    auth: { kind: env, clientSecret: { env: ${STALE_SECRET} } }`);
        lines.push('    apps:');
        lines.push(`      - { name: Notices, model: graph, mailboxes: [${mailbox}], rotation: { expiringWithin: 365d, grace: "0" } }`);
        const vaultSink = i === 0 ? `, keyVault: "${vault}", keyVaultSecret: scanner` : '';
        lines.push(
          `      - { name: Scanner, model: smtp, mailboxes: [${mailbox}], rotation: { expiringWithin: 365d, grace: 7d }, sinks: { out: "{tenant}/{uniqueName}.env"${vaultSink} } }`,
        );
        for (const name of extra.get(i) ?? [])
          lines.push(`      - { name: ${name}, uniqueName: ${name}, model: graph, mailboxes: [${mailbox}] }`);
      });
      return `${lines.join('\n')}\n`;
    },
  };
  await writeFile(layout.file, layout.render());
  return layout;
}
