import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { supersede } from '../../src/credentials/grace.ts';
import type { Journal } from '../../src/credentials/journal.ts';
import type { Application, PasswordCredential } from '../../src/graph/types.ts';
import { planSecret } from '../../src/provision/secret.ts';
import type { Desired, Observed } from '../../src/provision/types.ts';

/**
 * Two secrets a second apart with the same lifetime can carry the same endDateTime
 * (docs/credential-lifecycle.md#which-secret-is-newest). The one minted later is what the sinks
 * got last; the app's list order says nothing about that. Here the app lists the older one first.
 */
describe('the newest of two secrets with the same expiry is the one minted later', () => {
  const end = '2027-06-01T16:17:05Z';
  const secret = (keyId: string, marker: string): PasswordCredential =>
    ({ keyId, displayName: marker, endDateTime: end, startDateTime: '2026-12-03T16:17:05Z', hint: 'abc' }) as PasswordCredential;
  const older = secret('11111111-1111-4111-8111-111111111111', 'entra-mail:2026-12-03:older');
  const newer = secret('22222222-2222-4222-8222-222222222222', 'entra-mail:2026-12-03:newer');
  const app = { id: 'app-object-id', appId: 'app-id', passwordCredentials: [older, newer], keyCredentials: [] } as unknown as Application;
  const journal: Journal = {
    version: 1,
    tenantId: 'tenant',
    uniqueName: 'mailer',
    credentials: [
      { marker: older.displayName as string, keyId: older.keyId, status: 'delivered', at: '2026-12-03T16:17:05.376Z' },
      { marker: newer.displayName as string, keyId: newer.keyId, status: 'delivered', at: '2026-12-03T16:17:05.900Z' },
    ],
  };
  const nowMs = Date.parse('2026-12-03T16:20:00Z');

  it('provision keeps the later one', () => {
    const observed = { application: app, journal } as unknown as Observed;
    const plan = planSecret({ newSecret: false, secretLifetimeDays: 180 } as Desired, observed, nowMs);
    assert.equal(plan.mint, false);
    assert.equal(plan.kept?.keyId, newer.keyId);
  });

  it('the app listing the later one first changes nothing', () => {
    const observed = { application: { ...app, passwordCredentials: [newer, older] }, journal } as unknown as Observed;
    assert.equal(planSecret({ newSecret: false, secretLifetimeDays: 180 } as Desired, observed, nowMs).kept?.keyId, newer.keyId);
  });

  it('rotate --keep 1 keeps the later of the older ones', async () => {
    const third = secret('33333333-3333-4333-8333-333333333333', 'entra-mail:2026-12-03:third');
    const withThird = { ...app, passwordCredentials: [older, newer, third] } as Application;
    const result = await supersede(withThird, journal, { kind: 'secret', newKeyId: third.keyId, keep: 1, graceMs: 0, nowMs, replaced: [] });
    assert.deepEqual(
      result.removeNow.map((c) => c.keyId),
      [older.keyId],
    );
  });
});
