import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readSinkSecret, startHarness, type Harness } from '../../scripts/lib/harness.ts';
import { KILL_HOOK, runChild } from '../../scripts/lib/kill-run.ts';
import { rotateKillPoints } from '../../scripts/lib/request-kills.ts';

/**
 * A rotate killed while it delivers (here: by its own `--on-rotate` hook, after the hook stored the
 * new secret and the file was written), then the admin's next run. Whatever that run is, no sink
 * may end up holding a revoked secret and the valid secret the sinks hold must stay valid
 * (docs/credential-lifecycle.md). The killed run is a real child process; the hook kills it with
 * SIGKILL, so nothing in the tool knows.
 */
describe('a rotate killed during delivery, then run again', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ realClock: true });
    h.sandbox.ctx.knobs.replicationMs = 0;
  });
  after(() => h.close());

  const valid = (uniqueName: string, secret: string | undefined) => {
    const app = h.sandbox.snapshot().applications.find((a) => a.uniqueName === uniqueName);
    const hash = secret ? createHash('sha256').update(secret).digest('hex') : '';
    return Boolean(app?.passwordCredentials.some((c) => c.secretSha256 === hash));
  };
  const provision = async (name: string) => {
    const r = await h.run([
      'provision',
      ...h.common,
      '--model',
      'graph',
      '--mailbox',
      'noreply@contoso.com',
      '--exchange',
      'skip',
      '--unique-name',
      name,
      '--out',
      join(h.dir, `${name}.env`),
      '--format',
      'env',
    ]);
    assert.equal(r.code, 0, r.stderr);
    return r;
  };
  const rotateArgs = (name: string, hook: string) => [
    'rotate',
    ...h.common,
    '--app',
    name,
    '--out',
    join(h.dir, `${name}.env`),
    '--on-rotate',
    hook,
    '--grace',
    '0',
  ];
  const killDuringDelivery = async (name: string) => {
    const store = join(h.dir, `${name}.hook.json`);
    const killed = await runChild(h, rotateArgs(name, `${process.execPath} ${KILL_HOOK} ${store}`), {
      kind: 'hook',
      order: 'kill-after',
      store,
    });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    const inFile = await readSinkSecret(join(h.dir, `${name}.env`), h.minted);
    const inHook = await readSinkSecret(store, h.minted);
    assert.equal(inFile, inHook, 'both sinks got the new secret before the kill');
    assert.ok(valid(name, inFile));
    return { store, secret: inFile as string };
  };

  it('a next rotate whose hook fails rolls the file back to a secret that still works, and keeps the one the hook holds', async () => {
    await provision('h1-fail');
    const { store, secret } = await killDuringDelivery('h1-fail');
    const r = await h.run(rotateArgs('h1-fail', 'false'));
    assert.equal(r.code, 6, r.stderr);
    const inFile = await readSinkSecret(join(h.dir, 'h1-fail.env'), h.minted);
    assert.equal(inFile, secret, 'the file holds the secret the killed run delivered');
    assert.ok(valid('h1-fail', inFile), 'and it was not revoked as an "undelivered" one');
    assert.ok(valid('h1-fail', await readSinkSecret(store, h.minted)), 'the hook store holds a valid secret');
  });

  it('a next provision keeps the secret the file holds', async () => {
    await provision('h1-provision');
    const { secret } = await killDuringDelivery('h1-provision');
    await provision('h1-provision');
    const inFile = await readSinkSecret(join(h.dir, 'h1-provision.env'), h.minted);
    assert.equal(inFile, secret);
    assert.ok(valid('h1-provision', inFile));
  });

  it('a next rotate converges: one valid secret, held by the file and the hook', async () => {
    await provision('h1-again');
    const { store } = await killDuringDelivery('h1-again');
    const r = await h.run(rotateArgs('h1-again', `${process.execPath} ${KILL_HOOK} ${store}`));
    assert.equal(r.code, 0, r.stderr);
    const inFile = await readSinkSecret(join(h.dir, 'h1-again.env'), h.minted);
    assert.equal(await readSinkSecret(store, h.minted), inFile);
    const app = h.sandbox.snapshot().applications.find((a) => a.uniqueName === 'h1-again');
    assert.equal(app?.passwordCredentials.length, 1, 'with --grace 0 only the new secret is left');
    assert.ok(valid('h1-again', inFile));
  });

  it('when the failed new secret cannot be removed, the run says so and the journal never calls it delivered', async () => {
    await provision('m4');
    h.sandbox.ctx.faults.push({ method: 'POST', path: /\/removePassword$/, times: 50, action: { type: 'status', status: 503 } });
    let r: Awaited<ReturnType<Harness['run']>>;
    try {
      // A hook that refuses the new config but takes the rollback: every sink is put back.
      r = await h.run(rotateArgs('m4', "sh -c 'grep -q rollback'"), { stepDeadlineMs: 1000 });
    } finally {
      h.sandbox.ctx.faults.length = 0;
    }
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stderr, /could not remove the new secret/);
    assert.doesNotMatch(r.stderr, /was removed/);
    const journal = JSON.parse(
      await readFile(join(String(h.env.ENTRA_MAIL_STATE_DIR), h.sandbox.snapshot().tenant.id, 'm4.journal.json'), 'utf8'),
    ) as {
      credentials: { keyId?: string; status: string }[];
    };
    const app = h.sandbox.snapshot().applications.find((a) => a.uniqueName === 'm4');
    const fileHash = createHash('sha256')
      .update(String(await readSinkSecret(join(h.dir, 'm4.env'), h.minted)))
      .digest('hex');
    const stranded = app?.passwordCredentials.find((c) => c.secretSha256 !== fileHash);
    assert.ok(stranded, 'the failed secret is still on the app');
    assert.notEqual(journal.credentials.find((c) => c.keyId === stranded.keyId)?.status, 'delivered');
    const next = await h.run(rotateArgs('m4', 'true'));
    assert.equal(next.code, 0, next.stderr);
    assert.ok(
      !h.sandbox
        .snapshot()
        .applications.find((a) => a.uniqueName === 'm4')
        ?.passwordCredentials.some((c) => c.keyId === stranded.keyId),
      'the next run removed it',
    );
  });

  it('provision: when consent fails after the secret was minted, the secret is in --out before the command fails, and the re-run keeps it', async () => {
    const name = 'consent-lost';
    h.sandbox.ctx.faults.push({ method: 'POST', path: /\/appRoleAssignedTo$/, times: 1000, action: { type: 'status', status: 503 } });
    let first: Awaited<ReturnType<Harness['run']>>;
    try {
      first = await h.run(
        [
          'provision',
          ...h.common,
          '--model',
          'graph',
          '--mailbox',
          'noreply@contoso.com',
          '--exchange',
          'skip',
          '--unique-name',
          name,
          '--out',
          join(h.dir, `${name}.env`),
          '--format',
          'env',
        ],
        { stepDeadlineMs: 1000 },
      );
    } finally {
      h.sandbox.ctx.faults.length = 0;
    }
    assert.equal(first.code, 7, first.stderr);
    const held = await readSinkSecret(join(h.dir, `${name}.env`), h.minted);
    assert.ok(valid(name, held), 'the minted secret reached the file');
    const since = h.sandbox.ctx.log.length;
    await provision(name);
    assert.equal(
      h.sandbox.ctx.log.slice(since).filter((e) => /\/(addPassword|removePassword)$/.test(e.path)).length,
      0,
      'kept, not replaced',
    );
    assert.equal(await readSinkSecret(join(h.dir, `${name}.env`), h.minted), held);
  });

  // The killed rotate's secret and the previous one are often minted within the same second, so
  // both can carry the same endDateTime: provision must still keep the later one, which the file
  // holds (docs/credential-lifecycle.md#which-secret-is-newest).
  it('a provision after a rotate killed once its vault write landed retires the secret neither the file nor the vault holds', {}, async () => {
    const name = 'kv-then-provision';
    await provision(name);
    const file = join(h.dir, `${name}.env`);
    const rotate = [
      'rotate',
      ...h.common,
      '--app',
      name,
      '--out',
      file,
      '--key-vault',
      h.sandbox.settings.keyVaultUrl,
      '--key-vault-secret',
      name,
      '--grace',
      '0',
    ];
    const first = await h.run([...rotate, '--json']);
    assert.equal(first.code, 0, first.stderr);
    // The secret that rotate delivered to both sinks, from its own report (not the app's first credential).
    const previous = (JSON.parse(first.stdout) as { outcomes: { credential: { keyId: string } }[] }).outcomes[0]?.credential.keyId;
    assert.ok(previous);
    const point = rotateKillPoints(h, { uniqueName: name, file, vaultSecret: name }).find((p) => p.name.startsWith('vault write landed'));
    assert.ok(point);
    const killed = await runChild(h, rotate, { kind: 'request', point });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    const since = h.sandbox.ctx.log.length;
    const provisioned = await provision(name);
    const journal = JSON.parse(
      await readFile(join(String(h.env.ENTRA_MAIL_STATE_DIR), h.sandbox.snapshot().tenant.id, `${name}.journal.json`), 'utf8'),
    ) as {
      credentials: { keyId?: string; retireAfter?: string }[];
    };
    assert.ok(
      journal.credentials.find((c) => c.keyId === previous)?.retireAfter,
      `the vault was asked: it holds the newer secret, so the previous one (${previous}) retires; journal: ${JSON.stringify(journal.credentials)}; vault: ${JSON.stringify(
        h.sandbox
          .snapshot()
          .keyVault.secrets.find((s) => s.name === name)
          ?.versions.map((v) => ({ tags: v.tags, enabled: v.enabled })),
      )}; killed run: ${killed.stderr}; provision's requests: ${JSON.stringify(
        h.sandbox.ctx.log.slice(since).map((e) => `${e.method} ${e.path} ${e.status}`),
      )}; provision: ${provisioned.stderr}`,
    );
  });
});
