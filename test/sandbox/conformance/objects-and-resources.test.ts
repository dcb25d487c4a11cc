import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../sandbox-harness.ts';
import { call } from './helpers.ts';

/**
 * Properties of the documented create answer
 * (https://learn.microsoft.com/graph/api/application-post-applications, response example) with
 * the values a new application shows there.
 */
const DOCUMENTED_APPLICATION = {
  deletedDateTime: null,
  isFallbackPublicClient: null,
  applicationTemplateId: null,
  identifierUris: [],
  isDeviceOnlyAuthSupported: null,
  groupMembershipClaims: null,
  optionalClaims: null,
  addIns: [],
  tags: [],
  tokenEncryptionKeyId: null,
  appRoles: [],
  keyCredentials: [],
  passwordCredentials: [],
  requiredResourceAccess: [],
  publicClient: { redirectUris: [] },
  info: { termsOfServiceUrl: null, supportUrl: null, privacyStatementUrl: null, marketingUrl: null, logoUrl: null },
  parentalControlSettings: { countriesBlockedForMinors: [], legalAgeGroupRule: 'Allow' },
} as const;

/** Properties of a service principal (https://learn.microsoft.com/graph/api/resources/serviceprincipal). */
const DOCUMENTED_SERVICE_PRINCIPAL = [
  'accountEnabled',
  'addIns',
  'alternativeNames',
  'appDescription',
  'appDisplayName',
  'appId',
  'applicationTemplateId',
  'appOwnerOrganizationId',
  'appRoleAssignmentRequired',
  'appRoles',
  'description',
  'disabledByMicrosoftStatus',
  'displayName',
  'homepage',
  'info',
  'keyCredentials',
  'loginUrl',
  'logoutUrl',
  'notes',
  'notificationEmailAddresses',
  'oauth2PermissionScopes',
  'passwordCredentials',
  'preferredSingleSignOnMode',
  'preferredTokenSigningKeyThumbprint',
  'replyUrls',
  'resourceSpecificApplicationPermissions',
  'samlSingleSignOnSettings',
  'servicePrincipalNames',
  'servicePrincipalType',
  'signInAudience',
  'tags',
  'tokenEncryptionKeyId',
  'verifiedPublisher',
];

/**
 * docs/sandbox-fidelity.md#whole-objects and "Microsoft's service principals".
 */
describe('conformance: whole objects and Microsoft’s service principals', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('answers a created application with the documented property set and defaults', async () => {
    const created = await call(h, 'POST', '/v1.0/applications', {
      body: { displayName: 'Whole', web: { redirectUris: ['https://app.example/cb'] } },
    });
    assert.equal(created.status, 201);
    for (const [name, value] of Object.entries(DOCUMENTED_APPLICATION)) assert.deepEqual(created.json[name], value, name);
    for (const name of [
      'id',
      'appId',
      'createdDateTime',
      'displayName',
      'publisherDomain',
      'signInAudience',
      'api',
      'web',
      'spa',
      'verifiedPublisher',
    ]) {
      assert.ok(name in created.json, name);
    }
    assert.deepEqual(created.json.web.redirectUris, ['https://app.example/cb']);
    assert.deepEqual(
      created.json.web.implicitGrantSettings,
      { enableIdTokenIssuance: false, enableAccessTokenIssuance: false },
      'a partly set complex property keeps its other members',
    );
    const read = await call(h, 'GET', `/v1.0/applications/${created.json.id}`);
    assert.deepEqual(Object.keys(read.json).sort(), Object.keys(created.json).sort());
  });

  it('answers a created service principal with every documented property', async () => {
    const app = await call(h, 'POST', '/v1.0/applications', { body: { displayName: 'Whole SP', identifierUris: ['api://whole-sp'] } });
    const sp = await call(h, 'POST', '/v1.0/servicePrincipals', { body: { appId: app.json.appId } });
    assert.equal(sp.status, 201);
    for (const name of DOCUMENTED_SERVICE_PRINCIPAL) assert.ok(name in sp.json, name);
    assert.deepEqual(
      sp.json.servicePrincipalNames.sort(),
      [app.json.appId, 'api://whole-sp'].sort(),
      'named by app id and identifier URIs',
    );
  });

  it('finds Exchange Online by https://outlook.office365.com/, with its published app roles', async () => {
    const filter = encodeURIComponent("servicePrincipalNames/any(n:n eq 'https://outlook.office365.com/')");
    const r = await call(
      h,
      'GET',
      `/v1.0/servicePrincipals?$filter=${filter}&$select=appId,displayName,appRoles,servicePrincipalNames,appOwnerOrganizationId`,
    );
    const exchange = r.json.value[0];
    assert.equal(exchange.appId, '00000002-0000-0ff1-ce00-000000000000');
    assert.equal(exchange.displayName, 'Office 365 Exchange Online');
    assert.equal(exchange.appOwnerOrganizationId, 'f8cdef31-a31e-4b4a-93e4-5f571e91255a');
    const roles = Object.fromEntries(exchange.appRoles.map((role: { value: string; id: string }) => [role.value, role.id]));
    // https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth
    assert.equal(roles['SMTP.SendAsApp'], '7146a1f0-8703-45b3-9eae-527a64c00995');
    assert.equal(roles['IMAP.AccessAsApp'], '5e5addcd-3e8d-4e90-baf5-964efab2b20a');
    assert.equal(roles['POP.AccessAsApp'], 'cb842b43-da6e-4506-86fe-bb12199c656d');
  });

  it('finds Microsoft Graph by https://graph.microsoft.com, with ids from the permissions reference', async () => {
    const filter = encodeURIComponent("servicePrincipalNames/any(n:n eq 'https://graph.microsoft.com')");
    const graph = (await call(h, 'GET', `/v1.0/servicePrincipals?$filter=${filter}`)).json.value[0];
    assert.equal(graph.appId, '00000003-0000-0000-c000-000000000000');
    const roles = Object.fromEntries(graph.appRoles.map((role: { value: string; id: string }) => [role.value, role.id]));
    const scopes = Object.fromEntries(graph.oauth2PermissionScopes.map((s: { value: string; id: string }) => [s.value, s.id]));
    // https://learn.microsoft.com/graph/permissions-reference
    assert.equal(roles['Mail.Send'], 'b633e1c5-b582-4048-a93e-9f11b44c7e96');
    assert.equal(roles['Application.ReadWrite.All'], '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9');
    assert.equal(roles['Directory.Read.All'], '7ab1d382-f21e-4acd-a863-ba3e13f7da61');
    assert.equal(scopes['User.Read'], 'e1fe6dd8-ba31-4d61-89e7-88639da4683d');
    assert.equal(scopes['Mail.Send'], 'e383f46e-2787-4529-855e-0e479a3ffac0');
  });
});
