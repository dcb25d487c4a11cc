import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { execa } from 'execa';
import { FLEET_HEAP_FLAGS, fleetHeapArgv, isFleetRun, isRotateAll, ROTATE_ALL_HEAP_FLAGS } from '../../bin/fleet-heap.js';

const bin = new URL('../../bin/entra-mail.js', import.meta.url).pathname;

describe('fleet runs and rotate --all start with their heap limits (docs/performance.md, "Why the peak RSS grew")', () => {
  it('only plan/apply/rotate/status with -f, and never over flags the user gave', () => {
    assert.equal(isFleetRun(['plan', '-f', 'entra-mail.yaml']), true);
    assert.equal(isFleetRun(['apply', '--file=entra-mail.yaml', '--yes']), true);
    assert.equal(isFleetRun(['status', '--json']), false, 'status of one tenant is not a fleet run');
    assert.equal(isFleetRun(['provision', '-f', 'x']), false);
    const run = ['rotate', '--file', 'entra-mail.yaml'];
    assert.deepEqual(fleetHeapArgv(run, ['--enable-source-maps'], {}, true), [...FLEET_HEAP_FLAGS, '--enable-source-maps']);
    assert.equal(fleetHeapArgv(run, [], {}, false), undefined, 'no execve (Windows): the run goes on as it is');
    assert.equal(fleetHeapArgv(run, ['--max-old-space-size=4096'], {}, true), undefined);
    assert.equal(fleetHeapArgv(run, [], { NODE_OPTIONS: '--max_semi_space_size=32' }, true), undefined);
    assert.equal(fleetHeapArgv(['--help'], [], {}, true), undefined);
  });

  it('rotate --all of one tenant gets its own limits; rotate --app and status do not', () => {
    assert.equal(isRotateAll(['rotate', '--all', '--expiring-within', '30d']), true);
    assert.equal(isRotateAll(['rotate', '--all=true']), true);
    assert.equal(isRotateAll(['rotate', '--app', 'x']), false);
    assert.equal(isRotateAll(['rotate', '--all=false']), false);
    assert.equal(isRotateAll(['status', '--all']), false);
    assert.equal(isRotateAll(['rotate', '--all', '-f', 'entra-mail.yaml']), false, 'a fleet run keeps the fleet flags');
    assert.deepEqual(fleetHeapArgv(['rotate', '--all', '-f', 'x.yaml'], [], {}, true), FLEET_HEAP_FLAGS);
    const all = ['rotate', '--all', '--expiring-within', '30d'];
    assert.deepEqual(fleetHeapArgv(all, ['--enable-source-maps'], {}, true), [...ROTATE_ALL_HEAP_FLAGS, '--enable-source-maps']);
    assert.equal(fleetHeapArgv(all, [], { NODE_OPTIONS: '--max-semi-space-size=16' }, true), undefined, "the user's flag wins");
    assert.equal(fleetHeapArgv(all, ['--max_old_space_size=512'], {}, true), undefined);
    assert.equal(fleetHeapArgv(all, [], {}, false), undefined);
    assert.equal(fleetHeapArgv(['rotate', '--app', 'x'], [], {}, true), undefined);
    assert.equal(fleetHeapArgv(['status'], [], {}, true), undefined, 'status of one tenant starts once (start-up is part of its wall)');
  });

  it('the bin replaces its own process (same pid) and the limits hold in the new one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'entra-mail-fleet-heap-'));
    try {
      // Each start of Node.js appends its pid, its flags and V8's heap limit; the file names no tenant, so plan exits 2.
      const probe = join(dir, 'probe.mjs');
      const starts = join(dir, 'starts');
      await writeFile(
        probe,
        `import { appendFileSync } from 'node:fs'; import v8 from 'node:v8';\n` +
          `appendFileSync(${JSON.stringify(starts)}, JSON.stringify({ pid: process.pid, execArgv: process.execArgv, limitMb: v8.getHeapStatistics().heap_size_limit / 1048576 }) + '\\n');\n`,
      );
      await writeFile(join(dir, 'entra-mail.yaml'), 'version: 1\ntenants: []\n');
      const run = (nodeOptions: string, args = ['plan', '-f', 'entra-mail.yaml']) =>
        execa(process.execPath, [bin, ...args], {
          cwd: dir,
          reject: false,
          env: { NODE_OPTIONS: `--import ${probe} ${nodeOptions}`.trim(), ENTRA_MAIL_STATE_DIR: join(dir, 'state') },
        });
      const first = await run('');
      assert.equal(first.exitCode, 2, first.stderr);
      const lines = (await readFile(starts, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.equal(lines.length, 2, 'started once, then once more with the flags');
      assert.equal(lines[0].pid, lines[1].pid, 'execve keeps the pid (a kill by pid still reaches the run)');
      assert.deepEqual(lines[1].execArgv.slice(0, FLEET_HEAP_FLAGS.length), FLEET_HEAP_FLAGS);
      assert.ok(lines[1].limitMb < 1200, `--max-old-space-size=1024 took effect: ${lines[1].limitMb} MB`);
      await rm(starts);
      const own = await run('--max-old-space-size=3000');
      assert.equal(own.exitCode, 2, own.stderr);
      const ownLines = (await readFile(starts, 'utf8')).trim().split('\n');
      assert.equal(ownLines.length, 1, 'the user set a heap flag: no second start');
      await rm(starts);
      // rotate --all without --tenant is a usage error (exit 2), after the second start.
      const all = await run('', ['rotate', '--all', '--expiring-within', '30d', '--out', '{uniqueName}.env']);
      assert.equal(all.exitCode, 2, all.stderr);
      const allLines = (await readFile(starts, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.equal(allLines.length, 2, 'rotate --all started once more with its flags');
      assert.equal(allLines[0].pid, allLines[1].pid);
      assert.deepEqual(allLines[1].execArgv.slice(0, ROTATE_ALL_HEAP_FLAGS.length), ROTATE_ALL_HEAP_FLAGS);
      assert.ok(allLines[1].limitMb < 1200, `--max-old-space-size=1024 took effect: ${allLines[1].limitMb} MB`);
      await rm(starts);
      const single = await run('', ['rotate', '--app', 'billing', '--out', 'billing.env']);
      assert.equal(single.exitCode, 2, single.stderr);
      assert.equal((await readFile(starts, 'utf8')).trim().split('\n').length, 1, 'rotate --app starts once');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
