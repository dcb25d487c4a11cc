import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { journalPath } from '../../src/credentials/journal.ts';
import { runCli, smtpProvision, startTestTenant } from '../helpers/cli.ts';

/**
 * A converged re-run's reads (src/provision/observe.ts): the journal names the app's id, so the
 * app's service principal is asked for beside the first round instead of after it. The id is only
 * a guess: a journal naming another app changes nothing but that one read.
 */
/** Each answer's delay: wide enough that a loaded machine's pauses do not reorder what is checked. */
const LATENCY_MS = 200;

describe("a re-run reads the app's service principal beside the first round", () => {
  let t: Awaited<ReturnType<typeof startTestTenant>>;
  const argv = (name: string) => smtpProvision(t.common, name, '--json');
  before(async () => {
    // Every answer waits, as over a network: which request went out before which answer is then clear.
    t = await startTestTenant({ knobs: { latencyMs: LATENCY_MS } });
  });
  after(() => t.close());

  const reads = (since: number, appId: string) => {
    const log = t.sandbox.ctx.log.slice(since);
    const app = log.find((e) => e.method === 'GET' && e.path.startsWith('/v1.0/applications('));
    const sp = log.filter((e) => e.method === 'GET' && e.path === `/v1.0/servicePrincipals(appId='${appId}')`);
    const assignments = log.find((e) => e.method === 'GET' && /^\/v1\.0\/servicePrincipals\/[^/]+\/appRoleAssignments$/.test(e.path));
    assert.ok(app && assignments, 'the run read the app and its assignments');
    return { app, sp, assignments, changes: log.filter((e) => e.method !== 'GET' && e.kind === 'graph').length };
  };

  it('with its journal: one round fewer, and nothing changed', async () => {
    assert.equal((await runCli(argv('Rerun Reads'), { env: t.env, cwd: t.dir })).code, 0);
    const appId = t.sandbox.snapshot().applications.find((a) => a.uniqueName === 'rerun-reads')?.appId ?? '';
    const since = t.sandbox.ctx.log.length;
    const again = await runCli(argv('Rerun Reads'), { env: t.env, cwd: t.dir });
    assert.equal(again.code, 0, again.stderr);
    const { app, sp, assignments, changes } = reads(since, appId);
    assert.equal(changes, 0, 'a converged re-run changes nothing');
    assert.equal(sp.length, 1, 'the service principal was read once');
    assert.ok((sp[0]?.startedAt ?? Infinity) < app.at, 'the service principal was asked for before the app read was answered');
    assert.ok((assignments.startedAt ?? 0) < (sp[0]?.at ?? 0) + LATENCY_MS, 'the assignments followed it directly');
  });

  it('with a journal naming another app: the guess is dropped and the run reads as before', async () => {
    assert.equal((await runCli(argv('Rerun Guess'), { env: t.env, cwd: t.dir })).code, 0);
    const appId = t.sandbox.snapshot().applications.find((a) => a.uniqueName === 'rerun-guess')?.appId ?? '';
    const path = journalPath(t.env, t.sandbox.snapshot().tenant.id, 'rerun-guess');
    const journal = JSON.parse(await readFile(path, 'utf8')) as { appId?: string };
    const other = '11111111-2222-4333-8444-555555555555';
    await writeFile(path, JSON.stringify({ ...journal, appId: other }));
    const since = t.sandbox.ctx.log.length;
    const again = await runCli(argv('Rerun Guess'), { env: t.env, cwd: t.dir });
    assert.equal(again.code, 0, again.stderr);
    const { app, sp, changes } = reads(since, appId);
    assert.equal(changes, 0, 'nothing changed: the right service principal was read after the app');
    assert.equal(sp.length, 1);
    assert.ok((sp[0]?.startedAt ?? 0) >= app.at, 'the real service principal was read once the app was known');
    assert.ok(
      t.sandbox.ctx.log.slice(since).some((e) => e.path === `/v1.0/servicePrincipals(appId='${other}')` && e.status === 404),
      'the guess was asked for, and Graph had no such service principal',
    );
  });
});
