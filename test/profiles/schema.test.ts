import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import { loadProfiles } from '../../src/profiles/load.ts';
import { parseProfile } from '../../src/profiles/parse-profile.ts';
import { ProfileError } from '../../src/profiles/profile-error.ts';

const PROFILES = new URL('../../templates/profiles/', import.meta.url);
const OUTPUTS = new URL('../../templates/outputs/', import.meta.url);
const readTemplate = (name: string): string => readFileSync(new URL(name, OUTPUTS), 'utf8');
/** A fresh, mutable copy of a shipped profile document. */
const shipped = (name: string): Record<string, any> => parse(readFileSync(new URL(`${name}.yaml`, PROFILES), 'utf8'));

function assertProfileError(doc: unknown, file: string, path: string | RegExp, templates = readTemplate): void {
  assert.throws(
    () => parseProfile(doc, file, templates),
    (e: unknown) => e instanceof ProfileError && e.file === file && (typeof path === 'string' ? e.path === path : path.test(e.message)),
  );
}

test('the shipped documents parse as they are (the baseline for the mutations below)', () => {
  for (const name of ['aevo', 'dnn', 'generic-smtp']) assert.equal(parseProfile(shipped(name), `${name}.yaml`, readTemplate).name, name);
});

test('an unknown or misspelt key fails, at top level and nested', () => {
  const top = shipped('aevo');
  top.secretLifeTime = '24mo';
  assertProfileError(top, 'aevo.yaml', 'secretLifeTime');
  const nested = shipped('aevo');
  nested.exchange.smtpAuthh = true;
  assertProfileError(nested, 'aevo.yaml', 'exchange.smtpAuthh');
  const field = shipped('aevo');
  field.fields[0].lable = 'x';
  assertProfileError(field, 'aevo.yaml', 'fields[0].lable');
});

test('a missing key, a wrong type and a bad enum value fail with their path', () => {
  const missing = shipped('aevo');
  delete missing.deviations;
  assertProfileError(missing, 'aevo.yaml', 'deviations');
  const type = shipped('aevo');
  type.exchange.smtpAuth = 'yes';
  assertProfileError(type, 'aevo.yaml', 'exchange.smtpAuth');
  const model = shipped('aevo');
  model.model = 'smtp-app';
  assertProfileError(model, 'aevo.yaml', 'model');
  const format = shipped('enaio');
  format.outputs[1].format = 'yml';
  assertProfileError(format, 'enaio.yaml', 'outputs[1].format');
});

test('permissions must be known values for their resource and type', () => {
  const doc = shipped('aevo');
  doc.permissions[0].value = 'IMAP.AccessAsUser';
  assertProfileError(doc, 'aevo.yaml', 'permissions[0].value');
  const rbac = shipped('generic-smtp-rbac');
  rbac.permissions = [{ resourceAppId: '00000002-0000-0ff1-ce00-000000000000', value: 'SMTP.SendAsApp', type: 'Role' }];
  assertProfileError(rbac, 'generic-smtp-rbac.yaml', 'permissions[0]');
});

test('secret lifetimes beyond 24 months or in unknown units fail', () => {
  for (const bad of ['25mo', '800d', '2y', '0d', '24 months']) {
    const doc = shipped('truechem');
    doc.secretLifetime = bad;
    assertProfileError(doc, 'truechem.yaml', 'secretLifetime');
  }
});

test('template defects fail at load: unknown placeholder, secretField mismatch, notes in JSON, missing file', () => {
  const unknown = (name: string): string => (name === 'aevo.txt.tmpl' ? `${readTemplate(name)}{{clientSecert}}\n` : readTemplate(name));
  assertProfileError(shipped('aevo'), 'aevo.yaml', /clientSecert/, unknown);
  const secretField = shipped('aevo');
  secretField.outputs[0].secretField = 'SMTP Pass';
  assertProfileError(secretField, 'aevo.yaml', 'outputs[0].secretField');
  const noSecret = shipped('generic-smtp');
  noSecret.outputs[3].secretField = 'clientSecret';
  assertProfileError(noSecret, 'generic-smtp.yaml', 'outputs[3].secretField');
  const jsonNotes = (name: string): string =>
    name === 'generic-smtp.json.tmpl' ? readTemplate(name).replace('{\n', '{\n{{deviations}}\n') : readTemplate(name);
  assertProfileError(shipped('generic-smtp'), 'generic-smtp.yaml', /needs comments/, jsonNotes);
  const missing = shipped('aevo');
  missing.outputs[0].template = 'aevo-typo.txt.tmpl';
  assertProfileError(missing, 'aevo.yaml', 'outputs[0].template');
});

test('a form value no output shows fails, and so does a form without the secret', () => {
  const unshown = shipped('signify');
  unshown.fields.push({ label: 'Token endpoint', value: '{{tokenEndpoint}}' });
  assertProfileError(unshown, 'signify.yaml', /tokenEndpoint/);
  const noSecret = shipped('signify');
  noSecret.fields = noSecret.fields.filter((f: { label: string }) => f.label !== 'Client Secret');
  assertProfileError(noSecret, 'signify.yaml', 'fields');
});

test('next steps never carry the secret', () => {
  const doc = shipped('truechem');
  doc.nextSteps.push('Paste {{clientSecret}} into TrueChem.');
  assertProfileError(doc, 'truechem.yaml', 'nextSteps[5]');
});

test('{{siteUrl}} in a redirect URI requires requires.siteUrl, and plain http is only for localhost', () => {
  const doc = shipped('dnn');
  doc.requires.siteUrl = false;
  assertProfileError(doc, 'dnn.yaml', 'requires.siteUrl');
  const http = shipped('enaio');
  http.redirectUris.web = ['http://example.com/callback'];
  assertProfileError(http, 'enaio.yaml', 'redirectUris.web[0]');
});

test('an SMTP model without SMTP AUTH fails; the name must match the file', () => {
  const doc = shipped('aevo');
  doc.exchange.smtpAuth = false;
  assertProfileError(doc, 'aevo.yaml', 'exchange.smtpAuth');
  assertProfileError(shipped('aevo'), 'aevo2.yaml', 'name');
});

test('loadProfiles rejects a duplicate YAML key and a ": " that turns text into a mapping', () => {
  const dir = mkdtempSync(join(tmpdir(), 'profiles-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const sources = { profilesDir: pathToFileURL(`${join(dir, 'p')}/`), outputsDir: OUTPUTS };
  mkdirSync(join(dir, 'p'));
  const text = readFileSync(new URL('aevo.yaml', PROFILES), 'utf8');
  writeFileSync(join(dir, 'p', 'aevo.yaml'), text.replace('secretLifetime: 180d', 'secretLifetime: 180d\nsecretLifetime: 90d'));
  assert.throws(
    () => loadProfiles(sources),
    (e: unknown) => e instanceof ProfileError && /not valid YAML/.test(e.message),
  );
  writeFileSync(join(dir, 'p', 'aevo.yaml'), text.replace('  - Select Microsoft', '  - Then: select Microsoft'));
  assert.throws(
    () => loadProfiles(sources),
    (e: unknown) => e instanceof ProfileError && e.path === 'nextSteps[1]' && /quote/.test(e.message),
  );
});

test('schemas/profile.schema.json and the code name the same models, audiences and output formats; every profile points editors at it', async () => {
  const { MODEL_NAMES } = await import('../../src/core/models.ts');
  const { OUTPUT_FORMATS, SIGN_IN_AUDIENCES } = await import('../../src/profiles/profile.ts');
  const schema = JSON.parse(readFileSync(new URL('../../schemas/profile.schema.json', import.meta.url), 'utf8'));
  assert.deepEqual(schema.properties.model.enum, [...MODEL_NAMES]);
  assert.deepEqual(schema.properties.signInAudience.enum, [...SIGN_IN_AUDIENCES]);
  assert.deepEqual(schema.properties.outputs.items.properties.format.enum, [...OUTPUT_FORMATS]);
  for (const file of readdirSync(PROFILES).filter((f) => f.endsWith('.yaml'))) {
    const first = readFileSync(new URL(file, PROFILES), 'utf8').split('\n')[0];
    assert.equal(first, '# yaml-language-server: $schema=../../schemas/profile.schema.json', file);
  }
});
