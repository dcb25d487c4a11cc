import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { childEnvironment } from '../../src/exchange/runner.ts';
import { startHarness, type Harness } from '../../scripts/lib/harness.ts';
import { provisionArgs, sinkOf } from './helpers.ts';

/**
 * docs/reliability.md#subprocess-error-path, docs/reliability.md#secret-in-argv with a pwsh stub (`--pwsh`): a stand-in that records exactly what the
 * tool handed it — argv, /proc/self/cmdline, its environment — or misbehaves on purpose.
 */
describe('the pwsh subprocess: what it is given, and what its failures may print', () => {
  let h: Harness;
  const sinks: string[] = [];
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    try {
      assert.deepEqual(await h.scanForLeaks(sinks), []);
    } finally {
      await h.close();
    }
  });

  /** provision with the Exchange step run by `pwsh`. */
  const runArgs = (name: string, pwsh: string) =>
    provisionArgs(h, name, 'smtp')
      .map((a, i, all) => (all[i - 1] === '--exchange' ? 'run' : a))
      .concat('--pwsh', pwsh);

  /** Stubs live outside the harness dir: the liar holds a token on purpose, and the leak scan reads that dir. */
  async function stub(name: string, body: string): Promise<string> {
    const path = join(await mkdtemp(join(tmpdir(), 'entra-mail-stub-')), name);
    await writeFile(path, `#!/bin/sh\n${body}\n`);
    await chmod(path, 0o755);
    return path;
  }

  it('row 29: argv is only -NoProfile -NonInteractive -File <script>; no secret in argv, cmdline or environment', async () => {
    const record = join(h.dir, 'pwsh-record');
    const pwsh = await stub(
      'pwsh-recorder',
      `{ for a in "$@"; do echo "ARG:$a"; done; echo CMDLINE:; tr '\\0' ' ' < /proc/$$/cmdline; echo; echo ENV:; env; } > '${record}'\necho 'ENTRA-MAIL-RESULT {"status":"applied","changes":[],"warnings":[]}'`,
    );
    sinks.push(sinkOf(h, 'argv-check'));
    // As in a runbook with --auth env: the admin's secret is in this process's environment.
    process.env.AZURE_CLIENT_SECRET = h.sandbox.settings.adminClientSecret.reveal();
    let r: Awaited<ReturnType<typeof h.run>>;
    try {
      r = await h.run(runArgs('argv-check', pwsh));
    } finally {
      delete process.env.AZURE_CLIENT_SECRET;
    }
    assert.equal(r.code, 0, r.stderr);
    const recorded = await readFile(record, 'utf8');
    const args = recorded
      .split('\n')
      .filter((l) => l.startsWith('ARG:'))
      .map((l) => l.slice(4));
    assert.deepEqual(args.slice(0, 3), ['-NoProfile', '-NonInteractive', '-File']);
    assert.equal(args.length, 4);
    assert.match(args[3] as string, /argv-check\.exchange\.ps1$/);
    for (const secret of [...h.minted, ...h.adminTokens, h.sandbox.settings.adminClientSecret.reveal()]) {
      assert.ok(!recorded.includes(secret), 'a secret reached the subprocess');
    }
    assert.ok(!/AZURE_CLIENT_SECRET=/.test(recorded), 'the admin secret variable is not handed down');
  });

  it('row 24: a stub that prints a token and then nonsense → exit 6, and the token is not repeated', async () => {
    const token = [...h.adminTokens][0] ?? 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const pwsh = await stub('pwsh-liar', `echo 'Authorization: Bearer ${token}'\necho '{ not json'`);
    sinks.push(sinkOf(h, 'liar'));
    const r = await h.run(runArgs('liar', pwsh));
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stderr, /step: exchange/);
    assert.ok(!r.stderr.includes(token) && !r.stdout.includes(token));
  });

  it('keeps what the script itself reads, drops what looks like a credential', () => {
    const kept = childEnvironment({
      PATH: '/bin',
      HOME: '/h',
      AZURE_CLIENT_SECRET: 's',
      GITHUB_TOKEN: 't',
      DB_PASSWORD: 'p',
      ENTRA_MAIL_CERTIFICATE_PASSWORD: 'c',
      AZURE_TENANT_ID: 'x',
    });
    assert.deepEqual(Object.keys(kept).sort(), ['AZURE_TENANT_ID', 'ENTRA_MAIL_CERTIFICATE_PASSWORD', 'HOME', 'PATH']);
  });
});
