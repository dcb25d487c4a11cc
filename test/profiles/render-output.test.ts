import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { UsageError } from '../../src/core/errors.ts';
import { renderOutput } from '../../src/profiles/render.ts';
import { getProfile } from '../../src/profiles/get-profile.ts';
import { loadProfiles } from '../../src/profiles/load.ts';
import { Secret } from '../../src/core/secret.ts';
import { CANARY, factsFor } from './fixtures/facts.ts';

const profiles = loadProfiles();

test('without showSecret the canary secret appears in no output and no field; at most its 3-char hint does', () => {
  for (const profile of profiles) {
    for (const output of profile.outputs) {
      const rendered = renderOutput(profile, output.name, factsFor(profile), { showSecret: false });
      const everything = rendered.text + JSON.stringify(rendered.fields);
      assert.ok(!everything.includes(CANARY.slice(0, 4)), `${profile.name}/${output.name} leaks more than the hint`);
    }
  }
});

test('with showSecret the secret stands next to the output’s secretField, and in the form', () => {
  let checked = 0;
  for (const profile of profiles) {
    for (const output of profile.outputs.filter((o) => o.secretField !== null)) {
      const rendered = renderOutput(profile, output.name, factsFor(profile), { showSecret: true });
      const line = rendered.text.split('\n').find((l) => l.includes(output.secretField as string) && l.includes(CANARY));
      assert.ok(line, `${profile.name}/${output.name}: no line with ${output.secretField} and the secret`);
      assert.ok(Object.values(rendered.fields).includes(CANARY), `${profile.name}: form lacks the secret`);
      checked++;
    }
  }
  assert.ok(checked >= 20);
});

test('a converged re-run without a new secret says so instead of showing anything', () => {
  const profile = getProfile('aevo', profiles);
  const rendered = renderOutput(profile, 'aevo', { ...factsFor(profile), clientSecret: undefined }, { showSecret: true });
  assert.equal(rendered.fields['SMTP Password'], '[unchanged; no new secret on this run]');
});

test('JSON and YAML outputs read back to exactly the facts, hostile characters included', () => {
  const profile = getProfile('generic-smtp', profiles);
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${…} the output must not expand
  const name = 'Ops "Alerts" # \\ \' : {x} ${HOME} &anchor *ref';
  const facts = { ...factsFor(profile, new Secret('a"b\'c$d`e\\f#g: h')), senderName: name };
  const json = JSON.parse(renderOutput(profile, 'json', facts, { showSecret: true }).text);
  assert.equal(json.clientSecret, 'a"b\'c$d`e\\f#g: h');
  assert.equal(json.smtp.port, 587);
  const yaml = parse(renderOutput(profile, 'yaml', facts, { showSecret: true }).text);
  assert.equal(yaml.clientSecret, 'a"b\'c$d`e\\f#g: h');
  assert.equal(yaml.smtp.port, 587);
  const webclient = parse(renderOutput(getProfile('enaio', profiles), 'webclient', facts, { showSecret: true }).text);
  assert.equal(webclient.featureSwitches.sendEmail.oAuthClientSecret, 'a"b\'c$d`e\\f#g: h');
});

test('env values are single-quoted; a quote is double-quoted; quotes mixed with shell characters are refused', () => {
  const profile = getProfile('generic-smtp', profiles);
  const plain = renderOutput(profile, 'env', factsFor(profile, new Secret('ab$c`d\\e"f')), { showSecret: true }).text;
  assert.match(plain, /^AZURE_CLIENT_SECRET='ab\$c`d\\e"f'$/m);
  const quoted = renderOutput(profile, 'env', { ...factsFor(profile), mailbox: "o'brien@contoso.com" }, { showSecret: false }).text;
  assert.match(quoted, /^MAIL_FROM="o'brien@contoso.com"$/m);
  assert.throws(
    () => renderOutput(profile, 'env', factsFor(profile, new Secret("a'b$c")), { showSecret: true }),
    (e: unknown) => e instanceof UsageError && e.flag === '--format' && !e.message.includes("a'b$c"),
  );
});

test('a line break in a fact is refused with the flag that supplied it, in every format', () => {
  for (const [profileName, output] of [
    ['enaio', 'server'],
    ['aevo', 'aevo'],
    ['generic-smtp', 'env'],
  ] as const) {
    const profile = getProfile(profileName, profiles);
    assert.throws(
      () => renderOutput(profile, output, { ...factsFor(profile), senderName: 'x\nMailServer=evil.example' }, { showSecret: false }),
      (e: unknown) => e instanceof UsageError && e.flag === '--sender-name',
    );
  }
});

test('a C1 control or a line separator in a value is refused like a line feed (YAML 1.1 reads U+0085 as a line break)', () => {
  const profile = getProfile('generic-smtp', profiles);
  for (const bad of ['x\u0085MailServer: evil.example', 'x\u2028y', 'x\u009by']) {
    assert.throws(
      () => renderOutput(profile, 'yaml', { ...factsFor(profile), senderName: bad }, { showSecret: false }),
      (e: unknown) => e instanceof UsageError && e.flag === '--sender-name',
    );
  }
});

test('a secret with a control character is refused without echoing it', () => {
  const profile = getProfile('truechem', profiles);
  assert.throws(
    () => renderOutput(profile, 'truechem', factsFor(profile, new Secret('abc\r\ndef')), { showSecret: true }),
    (e: unknown) => e instanceof UsageError && !e.message.includes('abc'),
  );
});

test('an unknown --format names the profile’s outputs; a missing --site-url names the flag', () => {
  const enaio = getProfile('enaio', profiles);
  assert.throws(
    () => renderOutput(enaio, 'env', factsFor(enaio), { showSecret: false }),
    (e: unknown) => e instanceof UsageError && e.flag === '--format' && e.message.includes('server, webclient'),
  );
  const dnn = getProfile('dnn', profiles);
  assert.throws(
    () => renderOutput(dnn, 'dnn', { ...factsFor(dnn), siteUrl: undefined }, { showSecret: false }),
    (e: unknown) => e instanceof UsageError && e.flag === '--site-url',
  );
});

test('senderName falls back to the mailbox', () => {
  const profile = getProfile('aevo', profiles);
  const { fields } = renderOutput(profile, 'aevo', { ...factsFor(profile), senderName: undefined }, { showSecret: false });
  assert.equal(fields.Name, 'mailer@contoso.onmicrosoft.com');
});
