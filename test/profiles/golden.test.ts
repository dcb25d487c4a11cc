import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderOutput } from '../../src/profiles/render.ts';
import { loadProfiles } from '../../src/profiles/load.ts';
import { factsFor } from './fixtures/facts.ts';

// Golden files are the reviewed, default (secret masked) output of every profile output.
// Regenerate with UPDATE_GOLDEN=1 and review the diff against the vendor guide by hand.
const GOLDEN_DIR = new URL('./golden/', import.meta.url);
const update = process.env.UPDATE_GOLDEN === '1';

for (const profile of loadProfiles()) {
  for (const output of profile.outputs) {
    test(`golden: ${profile.name} --format ${output.name}`, () => {
      const { text } = renderOutput(profile, output.name, factsFor(profile), { showSecret: false });
      const file = new URL(`${profile.name}.${output.name}.golden`, GOLDEN_DIR);
      if (update) writeFileSync(file, text);
      assert.equal(text, readFileSync(file, 'utf8'));
    });
  }
}

test('every js output is a syntactically valid ES module', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snippets-'));
  try {
    let checked = 0;
    for (const profile of loadProfiles()) {
      for (const output of profile.outputs.filter((o) => o.format === 'js')) {
        const file = join(dir, `${profile.name}-${output.name}.mjs`);
        writeFileSync(file, renderOutput(profile, output.name, factsFor(profile), { showSecret: false }).text);
        const result = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
        assert.equal(result.status, 0, `${profile.name}/${output.name}: ${result.stderr}`);
        checked++;
      }
    }
    assert.equal(checked, 5, 'one snippet per generic profile');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
