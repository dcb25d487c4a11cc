import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findCanaries } from '../../scripts/lib/canary.ts';
import { startHarness, type Harness } from '../../scripts/lib/harness.ts';
import { provisionArgs, sinkOf } from './helpers.ts';

/** Rows 22–23: the scan finds a canary in every encoding, so its zero elsewhere in the suite means something. */
describe('secret and token canaries', () => {
  const canary = { label: 'c', value: 'CANARY-5d1f0c62-2b7e-4c1a-9a57-0e2f3c4d5e6f' };
  const forms: [string, string | Buffer][] = [
    ['raw', `secret=${canary.value}\n`],
    ['base64', `Authorization: Basic ${Buffer.from(`user:${canary.value}`).toString('base64')}`],
    ['base64url', Buffer.from(canary.value).toString('base64url')],
    ['url-encoded', `client_secret=${encodeURIComponent(canary.value)}`],
    ['json-escaped', JSON.stringify({ s: canary.value })],
    ['utf-16le', Buffer.concat([Buffer.from('x'), Buffer.from(canary.value, 'utf16le')])],
  ];
  for (const [form, data] of forms) {
    it(`finds the ${form} form`, () => {
      assert.ok(findCanaries([{ where: 'out', data }], [canary]).length > 0);
    });
  }

  it('finds nothing in clean output', () => {
    assert.deepEqual(findCanaries([{ where: 'out', data: 'keyId 5d1f0c62, hint CAN' }], [canary]), []);
  });

  describe('through the CLI', () => {
    let h: Harness;
    before(async () => {
      h = await startHarness();
    });
    after(() => h.close());

    it('with --verbose, failures included, no minted secret or admin token leaves the sink', async () => {
      assert.equal((await h.run(provisionArgs(h, 'canary-ok'))).code, 0);
      h.sandbox.ctx.faults.push({ method: 'POST', path: /\/appRoleAssignedTo$/, action: { type: 'reset', commit: true } });
      assert.equal((await h.run(provisionArgs(h, 'canary-fail', 'graph', ['--json']))).code, 7);
      h.sandbox.ctx.faults.push(
        { method: 'GET', path: /^\/v1\.0\/organization/, action: { type: 'status', status: 500 } },
        { method: 'GET', path: /^\/v1\.0\/organization/, action: { type: 'status', status: 500 } },
      );
      assert.equal((await h.run(provisionArgs(h, 'canary-ok', 'graph', ['--new-secret']))).code, 0);
      assert.ok(h.minted.length >= 2 && h.adminTokens.size >= 1, 'there were canaries to find');
      assert.deepEqual(await h.scanForLeaks([sinkOf(h, 'canary-ok'), sinkOf(h, 'canary-fail')]), []);
    });

    it('--show-secret is the one way the secret reaches stdout, and the scan sees it', async () => {
      assert.equal((await h.run(provisionArgs(h, 'canary-shown', 'graph', ['--show-secret']))).code, 0);
      const hits = await h.scanForLeaks([sinkOf(h, 'canary-ok'), sinkOf(h, 'canary-fail'), sinkOf(h, 'canary-shown')]);
      assert.ok(
        hits.some((hit) => hit.where.endsWith('stdout') && hit.canary.startsWith('minted secret')),
        JSON.stringify(hits),
      );
    });
  });
});
