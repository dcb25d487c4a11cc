import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { certificateProfile } from '../../src/profiles/certificate-outputs.ts';
import { renderOutput } from '../../src/profiles/render.ts';
import { loadProfiles } from '../../src/profiles/load.ts';
import { CANARY, factsFor } from './fixtures/facts.ts';
import type { OutputFacts } from '../../src/profiles/facts.ts';
import type { Profile } from '../../src/profiles/profile.ts';

// Golden files of the certificate outputs (`provision --credential certificate`), reviewed like
// the secret ones in golden.test.ts; regenerate with UPDATE_GOLDEN=1.
const GOLDEN_DIR = new URL('./golden/', import.meta.url);
const update = process.env.UPDATE_GOLDEN === '1';
const PEM_PATH = '/srv/mailer/mail-sender.pem';
const THUMBPRINT = '20DA04161645F51091FF6D710464FFDE961C3ECE';

function certificateFacts(profile: Profile): OutputFacts {
  return { ...factsFor(profile, undefined), certificatePath: PEM_PATH, certificateThumbprint: THUMBPRINT };
}

const profiles = loadProfiles();

for (const profile of profiles) {
  const view = certificateProfile(profile, profile.model);
  for (const output of view?.outputs ?? []) {
    test(`golden: ${profile.name} --credential certificate --format ${output.name}`, () => {
      const { text, fields } = renderOutput(view as Profile, output.name, certificateFacts(profile), { showSecret: true });
      const file = new URL(`${profile.name}.${output.name}.certificate.golden`, GOLDEN_DIR);
      if (update) writeFileSync(file, text);
      assert.equal(text, readFileSync(file, 'utf8'));
      assert.ok(text.includes(PEM_PATH) && text.includes(THUMBPRINT), 'names the PEM file and its thumbprint');
      assert.equal(fields['Certificate file'], PEM_PATH);
      assert.ok(!Object.keys(fields).includes('Client secret'), 'the form has no client secret field');
    });
  }
}

test('certificate views: exactly the generic app-only profiles, with env/json/yaml and no secret placeholder', () => {
  const capable = profiles
    .filter((p) => certificateProfile(p, p.model) !== undefined)
    .map((p) => p.name)
    .sort();
  assert.deepEqual(capable, ['generic-graph', 'generic-graph-rbac', 'generic-smtp', 'generic-smtp-rbac']);
  for (const name of capable) {
    const view = certificateProfile(profiles.find((p) => p.name === name) as Profile, 'graph') as Profile;
    assert.deepEqual(
      view.outputs.map((o) => o.name),
      ['env', 'json', 'yaml'],
    );
    for (const output of view.outputs) {
      assert.equal(output.secretField, null);
      assert.ok(!output.templateText.includes('{{clientSecret}}'), `${output.template} holds no secret`);
      assert.ok(output.templateText.includes('{{certificatePath}}'), `${output.template} names the PEM file`);
    }
  }
  const vendor = profiles.filter((p) => p.vendorGuide !== null);
  assert.ok(vendor.length >= 5);
  for (const profile of vendor)
    assert.equal(certificateProfile(profile, profile.model), undefined, `${profile.name} takes a client secret only`);
  // A generic profile switched to the delegated model signs in as a user: no certificate.
  assert.equal(certificateProfile(profiles.find((p) => p.name === 'generic-smtp') as Profile, 'delegated-smtp'), undefined);
});

test('a certificate output never shows a client secret, even when one is in the facts', () => {
  const profile = profiles.find((p) => p.name === 'generic-smtp') as Profile;
  const view = certificateProfile(profile, 'smtp') as Profile;
  const facts = { ...factsFor(profile), certificatePath: PEM_PATH, certificateThumbprint: THUMBPRINT };
  for (const output of view.outputs) assert.ok(!renderOutput(view, output.name, facts, { showSecret: true }).text.includes(CANARY));
});

test('a certificate path with a line break is refused naming --certificate-out', () => {
  const profile = profiles.find((p) => p.name === 'generic-graph') as Profile;
  const view = certificateProfile(profile, 'graph') as Profile;
  assert.throws(
    () =>
      renderOutput(view, 'env', { ...certificateFacts(profile), certificatePath: '/tmp/a\nAZURE_CLIENT_SECRET=x' }, { showSecret: false }),
    (e: Error & { flag?: string }) => e.flag === '--certificate-out' || /certificatePath/.test(e.message),
  );
});
