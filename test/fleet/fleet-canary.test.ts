import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../../scripts/lib/harness.ts';

/**
 * Fleet mode under the secret canary (scripts/lib/canary.ts): apply -f, plan -f, status -f and
 * rotate -f with --verbose, and a tenant that fails; no secret the sandbox minted and no admin
 * token appears in any output or in any file but the app's own config.
 */
describe('fleet mode leaks no secret and no token', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('apply, plan, status and rotate -f --verbose: the minted secrets are in the config file only', async () => {
    const file = join(h.dir, 'entra-mail.yaml');
    await writeFile(
      file,
      [
        'version: 1',
        'tenants:',
        `  - tenant: ${h.sandbox.settings.tenantId}`,
        '    apps:',
        '      - name: Canary Fleet',
        '        model: graph',
        '        format: env',
        '        mailboxes: [noreply@contoso.com]',
        '        secretLifetime: 30d',
        '        rotation: { expiringWithin: 60d, grace: "0" }',
        '  - tenant: 11111111-2222-3333-4444-555555555555',
        '    apps: [{ name: Nowhere, model: graph, mailboxes: [noreply@contoso.com] }]',
        '',
      ].join('\n'),
    );
    const common = ['--file', file, ...h.common, '--verbose'];
    assert.equal((await h.run(['apply', ...common])).code, 7);
    assert.equal((await h.run(['plan', ...common, '--json'])).code, 7);
    assert.equal((await h.run(['status', ...common])).code, 7);
    assert.equal((await h.run(['rotate', ...common, '--yes', '--json'])).code, 7);
    assert.ok(h.minted.length >= 2 && h.adminTokens.size >= 1, 'there were canaries to find');
    assert.deepEqual(await h.scanForLeaks([join(h.dir, h.sandbox.settings.tenantId, 'canary-fleet.env')]), []);
  });
});
