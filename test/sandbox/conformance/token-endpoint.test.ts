import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeviceCodeCredential } from '@azure/identity';
import { claimsOf, manualClock, postTokenForm, startHarness, type Harness } from '../sandbox-harness.ts';
import { call } from './helpers.ts';

/** Azure CLI's public client id, which every tenant knows. */
const PUBLIC_CLIENT = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

/**
 * docs/sandbox-fidelity.md#token-endpoint: AADSTS500011 for an unknown resource
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes), the device code
 * flow's authorization_pending (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code)
 * and refresh tokens (https://learn.microsoft.com/entra/identity-platform/refresh-tokens).
 */
describe('conformance: token endpoint', () => {
  let h: Harness;
  const clock = manualClock();
  const admin = () => ({
    client_id: h.sandbox.settings.adminClientId,
    client_secret: h.sandbox.settings.adminClientSecret.reveal(),
    grant_type: 'client_credentials',
  });
  before(async () => {
    h = await startHarness({ clock });
  });
  after(() => h.close());

  it('answers a resource no service principal answers to with invalid_resource, AADSTS500011', async () => {
    const r = await postTokenForm(h, { ...admin(), scope: 'https://unknown.example.com/.default' });
    assert.equal(r.status, 400);
    assert.equal(r.body['error'], 'invalid_resource');
    assert.deepEqual(r.body['error_codes'], [500011]);
    assert.match(
      String(r.body['error_description']),
      /^AADSTS500011: The resource principal named https:\/\/unknown\.example\.com was not found in the tenant/,
    );
  });

  it('finds a resource by any of its service principal names: an app that exposes api://…', async () => {
    const app = await call(h, 'POST', '/v1.0/applications', {
      body: { displayName: 'Exposed API', identifierUris: ['api://exposed-api'] },
    });
    assert.equal((await call(h, 'POST', '/v1.0/servicePrincipals', { body: { appId: app.json.appId } })).status, 201);
    const r = await postTokenForm(h, { ...admin(), scope: 'api://exposed-api/.default' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(claimsOf(String(r.body['access_token']))['aud'], 'api://exposed-api');
  });

  it('answers authorization_pending before the user has signed in, then tokens with a refresh token', async () => {
    const start = await fetch(`${h.sandbox.settings.authorityHost}/${h.sandbox.settings.tenantId}/oauth2/v2.0/devicecode`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: PUBLIC_CLIENT, scope: 'https://graph.microsoft.com/.default offline_access' }),
    });
    const device = (await start.json()) as { device_code: string; user_code: string; interval: number };
    const poll = { client_id: PUBLIC_CLIENT, grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code };
    const pending = await postTokenForm(h, poll);
    assert.equal(pending.status, 400);
    assert.equal(pending.body['error'], 'authorization_pending');
    assert.deepEqual(pending.body['error_codes'], [70016]);
    const granted = await postTokenForm(h, poll);
    assert.equal(granted.status, 200);
    assert.equal(typeof granted.body['refresh_token'], 'string');
    const unknown = await postTokenForm(h, { ...poll, device_code: 'not-a-code' });
    assert.equal(unknown.body['error'], 'bad_verification_code');

    // The refresh token buys a token for another resource, and a new refresh token.
    const refresh = { client_id: PUBLIC_CLIENT, grant_type: 'refresh_token', refresh_token: String(granted.body['refresh_token']) };
    const exchange = await postTokenForm(h, { ...refresh, scope: 'https://outlook.office365.com/.default offline_access' });
    assert.equal(exchange.status, 200, JSON.stringify(exchange.body));
    assert.equal(claimsOf(String(exchange.body['access_token']))['aud'], 'https://outlook.office365.com');
    assert.equal(typeof exchange.body['refresh_token'], 'string');
    const bogus = await postTokenForm(h, { ...refresh, refresh_token: 'bogus', scope: 'https://graph.microsoft.com/.default' });
    assert.equal(bogus.body['error'], 'invalid_grant');
    // Refresh tokens lapse after 90 days without use.
    clock.advance(91 * 24 * 3600_000);
    const lapsed = await postTokenForm(h, { ...refresh, scope: 'https://graph.microsoft.com/.default' });
    assert.equal(lapsed.body['error'], 'invalid_grant');
    assert.deepEqual(lapsed.body['error_codes'], [70008]);
  });

  it('lets MSAL sign in once and reach a second resource silently, with the refresh token', async () => {
    let prompts = 0;
    const credential = new DeviceCodeCredential({
      tenantId: h.sandbox.settings.tenantId,
      clientId: PUBLIC_CLIENT,
      authorityHost: h.sandbox.settings.authorityHost,
      disableInstanceDiscovery: true,
      userPromptCallback: () => {
        prompts += 1;
      },
    });
    const graph = await credential.getToken('https://graph.microsoft.com/.default');
    const exchange = await credential.getToken('https://outlook.office365.com/.default');
    assert.equal(claimsOf(graph.token)['aud'], 'https://graph.microsoft.com');
    assert.equal(claimsOf(exchange.token)['aud'], 'https://outlook.office365.com');
    assert.equal(prompts, 1, 'one sign-in for both resources');
  });
});
