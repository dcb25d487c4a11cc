import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadFleetFile } from '../../src/fleet/load-fleet-file.ts';
import { FleetFileError, parseFleetFile } from '../../src/fleet/load-fleet-file.ts';

const TENANT = '11111111-2222-3333-4444-555555555555';

const load = (text: string) => parseFleetFile(text, 'entra-mail.yaml', '/fleet');

async function refused(text: string): Promise<string> {
  const error = await load(text).then(
    () => assert.fail('accepted'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof FleetFileError, String(error));
  assert.equal(error.exitCode, 2);
  return error.message;
}

const file = (apps: string, tenantExtra = '') =>
  ['version: 1', 'tenants:', `  - tenant: ${TENANT}`, ...(tenantExtra ? [tenantExtra] : []), '    apps:', apps].join('\n');

describe('the fleet file loader', () => {
  it('merges defaults into tenants and apps and derives unique names as provision does', async () => {
    const fleet = await load(
      [
        'version: 1',
        'defaults:',
        '  cloud: usgov-high',
        '  auth: { kind: workload-identity, clientId: 0f0f0f0f-1111-2222-3333-444444444444 }',
        '  app: { exchange: skip, rotation: { grace: 3d }, sinks: { keyVault: "https://contoso-kv.vault.azure.net" } }',
        'tenants:',
        '  - tenant: Contoso.onmicrosoft.com',
        '    cloud: global',
        '    apps:',
        '      - { name: Scanner Relay, model: smtp, mailboxes: [scan@contoso.com], rotation: { keep: 1 } }',
        '      - { profile: aevo, mailboxes: [noreply@contoso.com] }',
      ].join('\n'),
    );
    const [tenant] = fleet.tenants;
    assert.equal(tenant?.tenant, 'contoso.onmicrosoft.com');
    assert.equal(tenant?.cloud, 'global');
    assert.equal(tenant?.auth.kind, 'workload-identity');
    assert.deepEqual(
      tenant?.apps.map((a) => [a.uniqueName, a.exchange, a.rotation, a.sinks.keyVault]),
      [
        ['scanner-relay', 'skip', { grace: '3d', keep: 1 }, 'https://contoso-kv.vault.azure.net'],
        ['aevo-innovate-email', 'skip', { grace: '3d' }, 'https://contoso-kv.vault.azure.net'],
      ],
    );
  });

  it('names the file, line and key of an unknown key', async () => {
    const message = await refused(file('      - name: A\n        mailboxes: [a@contoso.com]\n        mailbox: b@contoso.com'));
    assert.match(message, /^entra-mail\.yaml:7:9: tenants\[0\]\.apps\[0\]\.mailbox: unknown key/);
  });

  it('names the line of a bad value, from the schema and from the checks provision makes', async () => {
    assert.match(
      await refused(file('      - name: A\n        model: smpt\n        mailboxes: [a@contoso.com]')),
      /^entra-mail\.yaml:6:16: tenants\[0\]\.apps\[0\]\.model: 'smpt' is not one of graph, graph-rbac, smtp/,
    );
    assert.match(
      await refused(file('      - name: A\n        secretLifetime: 3 years\n        mailboxes: [a@contoso.com]')),
      /^entra-mail\.yaml:6:25: tenants\[0\]\.apps\[0\]\.secretLifetime: '3 years' is not valid here \(a lifetime such as 180d/,
    );
    assert.match(await refused(file('      - name: A')), /^entra-mail\.yaml:5:9: tenants\[0\]\.apps\[0\]: missing key 'mailboxes'/);
    assert.match(
      await refused(
        ['version: 1', 'tenants:', '  - tenant: not a tenant', '    apps: [{ name: A, mailboxes: [a@contoso.com] }]'].join('\n'),
      ),
      /^entra-mail\.yaml:3:5: tenants\[0\]\.tenant: 'not a tenant' is neither a tenant id/,
    );
    assert.match(await refused('version: 2\ntenants: []'), /^entra-mail\.yaml:1:10: version: must be 1/);
  });

  it('refuses a secret written into the file, wherever it is', async () => {
    const secret = `abc8Q~${'x'.repeat(34)}`;
    assert.match(
      await refused(file('      - { name: A, mailboxes: [a@contoso.com] }', `    auth: { kind: env, clientSecret: "${secret}" }`)),
      /^entra-mail\.yaml:4:38: tenants\[0\]\.auth\.clientSecret: this looks like a client secret\. Secrets never go in this file/,
    );
    assert.match(
      await refused(file('      - { name: A, mailboxes: [a@contoso.com] }', '    auth: { kind: env, clientSecret: hunter2 }')),
      /tenants\[0\]\.auth\.clientSecret: never the secret itself: give \{ env: NAME \} or \{ file: PATH \}/,
    );
    assert.match(
      await refused(file('      - { name: A, mailboxes: [a@contoso.com] }', '    label: "-----BEGIN PRIVATE KEY-----"')),
      /tenants\[0\]\.label: this looks like a private key/,
    );
  });

  it('refuses a tenant listed twice and two apps with one unique name in a tenant', async () => {
    const app = '    apps: [{ name: A, mailboxes: [a@contoso.com] }]';
    assert.match(
      await refused(['version: 1', 'tenants:', '  - tenant: contoso.com', app, '  - tenant: CONTOSO.com', app].join('\n')),
      /^entra-mail\.yaml:5:5: tenants\[1\]\.tenant: tenant 'contoso\.com' is already listed at tenants\[0\]/,
    );
    assert.match(
      await refused(
        file('      - { name: Mailer, mailboxes: [a@contoso.com] }\n      - { uniqueName: mailer, mailboxes: [b@contoso.com] }'),
      ),
      /^entra-mail\.yaml:6:11: tenants\[0\]\.apps\[1\]\.uniqueName: a second app with unique name 'mailer'/,
    );
    assert.match(await refused('version: 1\nversion: 1\ntenants: []'), /^entra-mail\.yaml:2:1: Map keys must be unique/);
  });

  it('reads the shipped example', async () => {
    const fleet = await loadFleetFile('examples/entra-mail.yaml', new URL('../../', import.meta.url).pathname);
    assert.deepEqual(
      fleet.tenants.map((t) => [t.tenant, t.auth.kind, t.apps.map((a) => a.uniqueName)]),
      [
        ['contoso.onmicrosoft.com', 'workload-identity', ['scanner-relay', 'aevo-innovate-email']],
        ['fabrikam.onmicrosoft.com', 'workload-identity', ['hr-mailer']],
      ],
    );
  });
});
