import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GRAPH_APP_ID, GRAPH_ROLES } from '../../src/core/well-known.ts';
import { claimsOf, graphFetch, manualClock, postTokenForm, startHarness, type Harness } from './sandbox-harness.ts';

describe('sandbox token endpoint', () => {
  let h: Harness;
  const clock = manualClock();
  /** A client app with a service principal and a secret, created through Graph. */
  let client: { appId: string; spId: string; secret: string; appObjectId: string };

  before(async () => {
    h = await startHarness({ clock });
    const app = await graphFetch(h, 'POST', '/applications', { displayName: 'token-test', signInAudience: 'AzureADMyOrg' });
    const sp = await graphFetch(h, 'POST', '/servicePrincipals', { appId: app.body.appId });
    const pwd = await graphFetch(h, 'POST', `/applications/${app.body.id}/addPassword`, { passwordCredential: { displayName: 'test' } });
    client = { appId: app.body.appId, spId: sp.body.id, secret: pwd.body.secretText, appObjectId: app.body.id };
  });
  after(() => h.close());

  it('issues a v1 app token through MSAL and its roles follow the app role assignments', async () => {
    const first = claimsOf((await h.credential(client.appId, client.secret).getToken('https://graph.microsoft.com/.default')).token);
    assert.equal(first['aud'], 'https://graph.microsoft.com');
    assert.equal(first['iss'], `https://sts.windows.net/${h.sandbox.settings.tenantId}/`);
    assert.equal(first['appid'], client.appId);
    assert.equal(first['oid'], client.spId);
    assert.equal(first['sub'], client.spId);
    assert.equal(first['idtyp'], 'app');
    assert.equal(first['appidacr'], '1');
    assert.equal(first['ver'], '1.0');
    assert.equal('roles' in first, false, 'no consent yet: no roles claim');

    const graphSp = await graphFetch(h, 'GET', `/servicePrincipals(appId='${GRAPH_APP_ID}')?$select=id`);
    const grant = await graphFetch(h, 'POST', `/servicePrincipals/${graphSp.body.id}/appRoleAssignedTo`, {
      principalId: client.spId,
      resourceId: graphSp.body.id,
      appRoleId: GRAPH_ROLES['Mail.Send'],
    });
    assert.equal(grant.status, 201);
    const second = claimsOf((await h.credential(client.appId, client.secret).getToken('https://graph.microsoft.com/.default')).token);
    assert.deepEqual(second['roles'], ['Mail.Send']);
    const exchange = claimsOf((await h.credential(client.appId, client.secret).getToken('https://outlook.office365.com/.default')).token);
    assert.equal(exchange['aud'], 'https://outlook.office365.com');
    assert.equal('roles' in exchange, false, 'roles are per resource');
  });

  it('serves OpenID discovery on its own origin and a JWKS with the signing key', async () => {
    const base = h.sandbox.settings.authorityHost;
    const config = (await (
      await fetch(`${base}/${h.sandbox.settings.tenantDomain}/v2.0/.well-known/openid-configuration`)
    ).json()) as Record<string, string>;
    assert.equal(config['token_endpoint'], `${base}/${h.sandbox.settings.tenantDomain}/oauth2/v2.0/token`);
    assert.ok(config['issuer']?.startsWith(base));
    assert.ok(config['device_authorization_endpoint']?.endsWith('/oauth2/v2.0/devicecode'));
    const jwks = (await (await fetch(config['jwks_uri'] ?? '')).json()) as { keys: { kid: string }[] };
    const token = (await h.credential(client.appId, client.secret).getToken('https://graph.microsoft.com/.default')).token;
    const kid = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).kid;
    assert.ok(jwks.keys.some((k) => k.kid === kid));
  });

  it('accepts HTTP Basic client authentication and a verified domain as tenant', async () => {
    const response = await fetch(`${h.sandbox.settings.authorityHost}/${h.sandbox.settings.tenantDomain}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.appId)}:${encodeURIComponent(client.secret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: `${GRAPH_APP_ID}/.default`, 'x-client-SKU': 'msal.js.node' }),
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { access_token: string; token_type: string };
    assert.equal(body.token_type, 'Bearer');
    assert.equal(claimsOf(body.access_token)['aud'], 'https://graph.microsoft.com');
  });

  const base = () => ({
    grant_type: 'client_credentials',
    client_id: client.appId,
    client_secret: client.secret,
    scope: 'https://graph.microsoft.com/.default',
  });
  const cases: { name: string; fields: () => Record<string, string>; tenant?: string; status: number; error: string; code: number }[] = [
    {
      name: 'unknown tenant',
      fields: base,
      tenant: '11111111-2222-4333-8444-555555555555',
      status: 400,
      error: 'invalid_request',
      code: 90002,
    },
    { name: 'unknown domain', fields: base, tenant: 'fabrikam.com', status: 400, error: 'invalid_request', code: 90002 },
    { name: 'malformed tenant', fields: base, tenant: 'not a tenant!', status: 400, error: 'invalid_request', code: 900023 },
    {
      name: 'unknown app',
      fields: () => ({ ...base(), client_id: '99999999-2222-4333-8444-555555555555' }),
      status: 400,
      error: 'unauthorized_client',
      code: 700016,
    },
    { name: 'wrong secret', fields: () => ({ ...base(), client_secret: 'wrong' }), status: 401, error: 'invalid_client', code: 7000215 },
    {
      name: 'keyId pasted as secret',
      fields: () => ({ ...base(), client_secret: client.appObjectId }),
      status: 401,
      error: 'invalid_client',
      code: 7000215,
    },
    {
      name: 'no credential',
      fields: () => ({ grant_type: 'client_credentials', client_id: client.appId, scope: 'https://graph.microsoft.com/.default' }),
      status: 401,
      error: 'invalid_client',
      code: 7000218,
    },
    {
      name: 'scope without .default',
      fields: () => ({ ...base(), scope: 'https://graph.microsoft.com/Mail.Send' }),
      status: 400,
      error: 'invalid_scope',
      code: 1002012,
    },
    {
      name: 'unknown resource',
      fields: () => ({ ...base(), scope: 'https://example.invalid/.default' }),
      status: 400,
      error: 'invalid_resource',
      code: 500011,
    },
    {
      name: 'two resources',
      fields: () => ({ ...base(), scope: 'https://graph.microsoft.com/.default https://outlook.office365.com/.default' }),
      status: 400,
      error: 'invalid_scope',
      code: 700022,
    },
  ];
  for (const c of cases) {
    it(`answers AADSTS${c.code} (${c.name}) in Entra's error shape`, async () => {
      const { status, body } = await postTokenForm(h, c.fields(), c.tenant === undefined ? undefined : encodeURIComponent(c.tenant));
      assert.equal(status, c.status);
      assert.equal(body['error'], c.error);
      assert.deepEqual(body['error_codes'], [c.code]);
      assert.match(
        String(body['error_description']),
        new RegExp(
          `^AADSTS${c.code}: .+ Trace ID: \\S+ Correlation ID: 00000000-0000-4000-8000-000000000001 Timestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`,
        ),
      );
      assert.equal(body['correlation_id'], '00000000-0000-4000-8000-000000000001');
      for (const field of ['timestamp', 'trace_id', 'error_uri']) assert.equal(typeof body[field], 'string', field);
    });
  }

  it('surfaces AADSTS7000215 through MSAL for a wrong secret', async () => {
    await assert.rejects(h.credential(client.appId, 'not-the-secret').getToken('https://graph.microsoft.com/.default'), /AADSTS7000215/);
  });

  it('rejects an expired secret with AADSTS7000222', async () => {
    const pwd = await graphFetch(h, 'POST', `/applications/${client.appObjectId}/addPassword`, {
      passwordCredential: { displayName: 'short', endDateTime: new Date(clock.nowMs() + 60_000).toISOString() },
    });
    assert.equal(pwd.status, 200);
    clock.advance(120_000);
    const { status, body } = await postTokenForm(h, { ...base(), client_secret: pwd.body.secretText });
    assert.equal(status, 401);
    assert.deepEqual(body['error_codes'], [7000222]);
  });
});
