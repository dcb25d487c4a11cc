import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { badInputRows, checkRow, findUncoveredFlags, prepareBadInputFiles } from '../../scripts/lib/bad-input-table.ts';
import { startHarness, type Harness } from '../../scripts/lib/harness.ts';

/**
 * Bad input: one malformed value for every flag of every command → exit 2, a message naming the
 * flag, no stack trace, and no request at all — not even a token request, because everything local
 * (values, files, directories, pwsh) is checked before sign-in (README.md#exit-codes).
 */
describe('bad input: exit 2, the flag named, nothing sent', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await prepareBadInputFiles(h);
  });
  after(() => h.close());

  it('has a row for every flag `--help` lists, in every command', async () => {
    assert.deepEqual(await findUncoveredFlags(h, badInputRows()), []);
  });

  for (const row of badInputRows()) {
    it(row.label, async () => {
      assert.equal(await checkRow(h, row), undefined);
    });
  }
});
