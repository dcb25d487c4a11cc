import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/core/errors.ts';
import { EXCHANGE_APP_ID, GRAPH_APP_ID } from '../../src/core/well-known.ts';
import { getProfile } from '../../src/profiles/get-profile.ts';
import { loadProfiles } from '../../src/profiles/load.ts';
import { resolvePermissions, resolveRedirectUris } from '../../src/profiles/resolve.ts';

const profiles = loadProfiles();

test('every shipped profile loads; one generic profile per model', () => {
  assert.equal(profiles.length, 10);
  const generic = profiles.filter((p) => p.vendorGuide === null);
  assert.deepEqual(
    generic.map((p) => p.model),
    ['graph', 'graph-rbac', 'smtp', 'smtp-rbac', 'delegated-smtp'],
  );
  for (const p of generic) assert.deepEqual(p.outputs.map((o) => o.name).slice(0, 3), ['env', 'json', 'yaml']);
});

test('an unknown --profile is a UsageError that lists the valid names', () => {
  assert.throws(
    () => getProfile('aevo-innovate', profiles),
    (e: unknown) =>
      e instanceof UsageError &&
      e.flag === '--profile' &&
      e.exitCode === 2 &&
      e.message.includes('aevo, dnn, enaio, signify, truechem, generic-graph'),
  );
});

test('each product profile does what its guide asks: model, permissions, redirect URIs, Exchange, lifetime', () => {
  const signify = getProfile('signify', profiles);
  assert.equal(signify.model, 'graph');
  assert.equal(signify.secretLifetime, '24mo');
  assert.deepEqual(resolvePermissions(signify), [{ resourceAppId: GRAPH_APP_ID, value: 'Mail.Send', type: 'Role' }]);

  const aevo = getProfile('aevo', profiles);
  assert.deepEqual(
    resolvePermissions(aevo).map((p) => `${p.resourceAppId === EXCHANGE_APP_ID ? 'EXO' : 'Graph'} ${p.value} ${p.type}`),
    ['EXO SMTP.SendAsApp Role', 'EXO IMAP.AccessAsApp Role'],
  );

  const enaio = getProfile('enaio', profiles);
  assert.deepEqual(resolveRedirectUris(enaio), { web: ['http://localhost'], publicClient: [] });
  assert.deepEqual(enaio.exchange, { smtpAuth: true, sendAs: true });

  const dnn = getProfile('dnn', profiles);
  assert.equal(dnn.model, 'delegated-smtp');
  assert.equal(dnn.signInAudience, 'AzureADMyOrg');
  assert.deepEqual(resolveRedirectUris(dnn, { siteUrl: 'https://www.contoso.com/dnn/' }).web, [
    'https://www.contoso.com/dnn/Providers/SmtpOAuthProviders/ExchangeOnline/Authorize.aspx',
    'https://www.contoso.com/dnn',
  ]);

  const truechem = getProfile('truechem', profiles);
  assert.equal(truechem.model, 'graph');
  assert.equal(truechem.secretLifetime, '24mo');
  assert.deepEqual(resolveRedirectUris(truechem).publicClient, ['https://login.microsoftonline.com/common/oauth2/nativeclient']);
});

test('--site-url must be given, and https, for a profile that needs it', () => {
  const dnn = getProfile('dnn', profiles);
  for (const bad of [undefined, 'http://www.contoso.com', 'www.contoso.com', 'https://www.contoso.com/?a=1']) {
    assert.throws(
      () => resolveRedirectUris(dnn, { siteUrl: bad }),
      (e: unknown) => e instanceof UsageError && e.flag === '--site-url',
      String(bad),
    );
  }
});

test('--redirect-uri goes to the profile’s platform, without duplicates', () => {
  const truechem = getProfile('truechem', profiles);
  const uris = resolveRedirectUris(truechem, {
    extra: ['https://app.contoso.com/cb', 'https://login.microsoftonline.com/common/oauth2/nativeclient'],
  });
  assert.deepEqual(uris, {
    web: [],
    publicClient: ['https://login.microsoftonline.com/common/oauth2/nativeclient', 'https://app.contoso.com/cb'],
  });
  assert.deepEqual(resolveRedirectUris(getProfile('generic-delegated-smtp', profiles), { extra: ['https://app.contoso.com/cb'] }).web, [
    'https://app.contoso.com/cb',
  ]);
});

test('with an RBAC model override, the Entra SMTP.SendAsApp is not requested (docs/sending-models.md#smtp-with-rbac-for-applications-smtp-rbac)', () => {
  const values = resolvePermissions(getProfile('aevo', profiles), 'smtp-rbac').map((p) => p.value);
  assert.deepEqual(values, ['IMAP.AccessAsApp']);
});
