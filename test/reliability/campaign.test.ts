import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const SCRIPT = fileURLToPath(new URL('../../scripts/reliability.ts', import.meta.url));

/** The figures script works end to end; the full campaign is not part of npm test. */
describe('scripts/reliability.ts', () => {
  it('--runs 20 --json prints every figure, with faults injected and zero on every count', () => {
    const r = spawnSync(
      process.execPath,
      [SCRIPT, '--runs', '20', '--kills', '0', '--fleet-kills', '0', '--seed', '3', '--json', '--skip-bad-input'],
      {
        encoding: 'utf8',
      },
    );
    const figures = JSON.parse(r.stdout);
    assert.equal(figures.runs, 20);
    assert.ok(figures.faultsInjected >= 20, 'every run had at least one fault');
    for (const key of [
      'objectsOrphaned',
      'credentialsOrphaned',
      'secretsLost',
      'duplicateObjects',
      'earlyRetries',
      'canaryHits',
      'exitsWithoutStepOrObject',
      'notConverged',
    ]) {
      assert.equal(figures[key], 0, `${key}: ${figures.failures.join('\n')}`);
    }
    assert.equal(r.status, 0);
  });

  it('rejects a bad --runs with exit 2', () => {
    const r = spawnSync(process.execPath, [SCRIPT, '--runs', 'many'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
  });
});
