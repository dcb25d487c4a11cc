import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatProfilesList, profilesJson } from '../../src/profiles/profiles-list.ts';
import { loadProfiles } from '../../src/profiles/load.ts';

const profiles = loadProfiles();

test('one line per profile after the header: name, model, product, summary', () => {
  const lines = formatProfilesList(profiles).trimEnd().split('\n');
  assert.equal(lines.length, profiles.length + 1);
  assert.match(lines[0] as string, /^PROFILE\s+MODEL\s+PRODUCT\s+SUMMARY$/);
  for (const [i, profile] of profiles.entries()) {
    const line = lines[i + 1] as string;
    assert.ok(line.startsWith(`${profile.name} `), line);
    for (const part of [profile.model, profile.product, profile.summary]) assert.ok(line.includes(part), `${line} lacks ${part}`);
  }
});

test('product profiles are listed first, then the generic ones in model order', () => {
  assert.deepEqual(
    profiles.map((p) => p.name),
    [
      'aevo',
      'dnn',
      'enaio',
      'signify',
      'truechem',
      'generic-graph',
      'generic-graph-rbac',
      'generic-smtp',
      'generic-smtp-rbac',
      'generic-delegated-smtp',
    ],
  );
});

test('the JSON form carries the same data and survives JSON round-trip', () => {
  const json = profilesJson(profiles);
  assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
  const enaio = json.find((p) => p.name === 'enaio');
  assert.deepEqual(enaio?.outputs, ['server', 'webclient']);
  assert.equal(enaio?.model, 'smtp');
  assert.equal(json.find((p) => p.name === 'generic-smtp')?.vendorGuide, null);
});
