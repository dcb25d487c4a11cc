import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveConnection } from '../../src/commands/shared/connection.ts';
import { CLOUDS, isMicrosoftAuthorityHost } from '../../src/core/cloud.ts';
import { UsageError } from '../../src/core/errors.ts';

const tenant = '11111111-2222-3333-4444-555555555555';
const noTty = { env: {}, stdin: Object.assign(process.stdin, { isTTY: false }) } as never;

describe('connection flags → endpoints (docs/national-clouds.md)', () => {
  it('each national cloud brings its own authority, Graph, Exchange resource and SMTP host', () => {
    const table: [string, string, string, string][] = [
      ['global', 'https://login.microsoftonline.com', 'https://graph.microsoft.com/.default', 'smtp.office365.com:587'],
      ['usgov-high', 'https://login.microsoftonline.us', 'https://graph.microsoft.us/.default', 'smtp.office365.us:587'],
      ['usgov-dod', 'https://login.microsoftonline.us', 'https://dod-graph.microsoft.us/.default', 'outlook-dod.office365.us:587'],
      [
        'china',
        'https://login.partner.microsoftonline.cn',
        'https://microsoftgraph.chinacloudapi.cn/.default',
        'smtp.partner.outlook.cn:587',
      ],
    ];
    for (const [cloud, authority, scope, smtp] of table) {
      const c = resolveConnection({ tenant, cloud }, noTty);
      assert.equal(c.endpoints.authorityHost, authority);
      assert.equal(c.graphScope, scope);
      assert.equal(c.endpoints.smtpHost, smtp);
      assert.equal(c.endpoints.exchangeResource, CLOUDS[cloud as keyof typeof CLOUDS].exchangeResource);
      assert.ok(isMicrosoftAuthorityHost(authority));
    }
  });

  it('overrides change where requests go, not which resource the token is for', () => {
    const c = resolveConnection(
      { tenant, graphEndpoint: 'https://127.0.0.1:8443/', authorityHost: 'https://127.0.0.1:8443', smtpHost: '127.0.0.1:2525' },
      noTty,
    );
    assert.equal(c.endpoints.graphEndpoint, 'https://127.0.0.1:8443');
    assert.equal(c.graphScope, 'https://graph.microsoft.com/.default');
    assert.equal(c.endpoints.smtpHost, '127.0.0.1:2525');
    assert.equal(isMicrosoftAuthorityHost(c.endpoints.authorityHost), false, 'instance discovery must be off for it');
  });

  it('the environment fills in what flags do not; flags win', () => {
    const env = { AZURE_TENANT_ID: 'contoso.onmicrosoft.com', ENTRA_MAIL_CLOUD: 'usgov-high' };
    const fromEnv = resolveConnection({}, { env, stdin: { isTTY: false } } as never);
    assert.equal(fromEnv.tenant, 'contoso.onmicrosoft.com');
    assert.equal(fromEnv.cloud, 'usgov-high');
    assert.equal(resolveConnection({ tenant, cloud: 'global' }, { env, stdin: { isTTY: false } } as never).cloud, 'global');
  });

  it('signs in interactively at a terminal and from the environment otherwise', () => {
    assert.equal(resolveConnection({ tenant }, { env: {}, stdin: { isTTY: true } } as never).authMode, 'device-code');
    assert.equal(resolveConnection({ tenant }, noTty).authMode, 'env');
  });

  it('bad values are usage errors naming the flag', () => {
    const cases: [Record<string, string>, string][] = [
      [{ tenant: 'not a tenant' }, '--tenant'],
      [{ tenant, cloud: 'moon' }, '--cloud'],
      [{ tenant, authorityHost: 'http://login.example.com' }, '--authority-host'],
      [{ tenant, graphEndpoint: 'graph' }, '--graph-endpoint'],
      [{ tenant, smtpHost: 'smtp.example.com' }, '--smtp-host'],
      [{ tenant, auth: 'password' }, '--auth'],
    ];
    for (const [args, flag] of cases) {
      assert.throws(
        () => resolveConnection(args, noTty),
        (e: unknown) => e instanceof UsageError && e.flag === flag && e.exitCode === 2,
        flag,
      );
    }
  });
});
