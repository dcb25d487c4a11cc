import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../../../scripts/lib/harness.ts';

/**
 * The tool's paging code against a sandbox that pages at one item (docs/sandbox-fidelity.md
 * "Paging and counting", https://learn.microsoft.com/graph/paging): the rerun must find both of
 * the app's consented roles, the second on a later page. A tool that read only the first page
 * would grant the second again.
 */
describe('conformance: the tool follows @odata.nextLink', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ knobs: { pageSize: 1 } });
  });
  after(() => h.close());

  it('provisions two permissions with one-item pages, and the rerun changes nothing', async () => {
    // The aevo profile asks for SMTP.SendAsApp and IMAP.AccessAsApp: two assignments, two pages.
    const args = ['provision', ...h.common, '--profile', 'aevo', '--mailbox', 'noreply@contoso.com', '--sender-name', 'Contoso HR'];
    const argv = [...args, '--unique-name', 'paged', '--exchange', 'script', '--out', join(h.dir, 'paged.out')];
    const first = await h.run(argv);
    assert.equal(first.code, 0, first.stderr);
    const since = h.sandbox.ctx.log.length;
    const again = await h.run(argv);
    assert.equal(again.code, 0, again.stderr);
    const rerun = h.sandbox.ctx.log.slice(since);
    assert.ok(
      rerun.some((e) => e.method === 'GET' && /(\$|%24)skiptoken=/i.test(e.query ?? '')),
      'the rerun asked for a next page',
    );
    const writes = rerun.filter((e) => e.kind === 'graph' && e.method !== 'GET');
    assert.deepEqual(writes, [], 'the rerun saw everything it made, page after page');
  });
});
