import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ExternalToolError } from '../../src/core/errors.ts';
import { redactTokens } from '../../src/exchange/redact.ts';
import { parseExchangeResult } from '../../src/exchange/result.ts';
import { runExchangeScript } from '../../src/exchange/runner.ts';

describe('runExchangeScript', () => {
  it('maps a missing pwsh to ExternalToolError with how to install PowerShell 7 and the module; the script stays', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'entra-mail-runner-'));
    try {
      const scriptPath = join(dir, 'exchange.ps1');
      await writeFile(scriptPath, "Write-Output 'x'\n");
      await assert.rejects(
        runExchangeScript({ pwshPath: join(dir, 'no-such-pwsh'), scriptPath, environment: process.env }),
        (error: unknown) => {
          assert.ok(error instanceof ExternalToolError);
          assert.equal(error.exitCode, 6);
          assert.equal(error.code, 'ENOENT');
          assert.match(error.suggestion ?? '', /PowerShell 7/);
          assert.match(error.suggestion ?? '', /Install-Module -Name ExchangeOnlineManagement/);
          assert.match(error.message, new RegExp(scriptPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
          return true;
        },
      );
      assert.equal(await readFile(scriptPath, 'utf8'), "Write-Output 'x'\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("runs pwsh in the command's environment (Deps.env), not the process's, minus the admin's secret", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'entra-mail-runner-'));
    try {
      const scriptPath = join(dir, 'exchange.ps1');
      await writeFile(scriptPath, '# not read\n');
      const pwshPath = join(dir, 'pwsh');
      const line = 'ENTRA-MAIL-RESULT {"status":"applied","changes":[],"warnings":["mark=%s","secret=%s"]}';
      await writeFile(pwshPath, `#!/bin/sh\nprintf '${line}\\n' "$ENTRA_MAIL_RUNNER_MARK" "$AZURE_CLIENT_SECRET"\n`, { mode: 0o755 });
      assert.equal(process.env.ENTRA_MAIL_RUNNER_MARK, undefined);
      const environment = { PATH: process.env.PATH, ENTRA_MAIL_RUNNER_MARK: 'from-deps', AZURE_CLIENT_SECRET: 'admin-secret' };
      const result = await runExchangeScript({ pwshPath, scriptPath, environment });
      assert.deepEqual(result.warnings, ['mark=from-deps', 'secret=']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('runExchangeScript runs only the script the tool wrote', () => {
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  /** A pwsh that leaves a mark when it starts: the check must come before it. */
  const stubPwsh = async (dir: string) => {
    const path = join(dir, 'pwsh');
    await writeFile(path, `#!/bin/sh\ntouch '${join(dir, 'started')}'\necho 'ENTRA-MAIL-RESULT {"status":"applied","changes":[]}'\n`, {
      mode: 0o700,
    });
    return path;
  };

  for (const [label, tamper] of [
    [
      'changed after it was written',
      (path: string) => writeFile(path, 'Add-MailboxPermission -Identity hr@contoso.com -AccessRights FullAccess\n'),
    ],
    [
      'replaced by a symbolic link',
      async (path: string) => {
        await rm(path);
        await symlink('/etc/hostname', path);
      },
    ],
  ] as const) {
    it(`a script ${label} is not run (exit 6), and pwsh never starts`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'entra-mail-runner-'));
      try {
        const scriptPath = join(dir, 'exchange.ps1');
        const written = "Write-Output 'x'\n";
        await writeFile(scriptPath, written);
        await tamper(scriptPath);
        const pwshPath = await stubPwsh(dir);
        await assert.rejects(
          runExchangeScript({ pwshPath, scriptPath, environment: process.env, expectedSha256: sha(written) }),
          (error: unknown) => {
            assert.ok(error instanceof ExternalToolError);
            assert.match(error.message, /not the one entra-mail wrote/);
            return true;
          },
        );
        assert.equal(existsSync(join(dir, 'started')), false);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  it('the script as written runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'entra-mail-runner-'));
    try {
      const scriptPath = join(dir, 'exchange.ps1');
      await writeFile(scriptPath, "Write-Output 'x'\n");
      const result = await runExchangeScript({
        pwshPath: await stubPwsh(dir),
        scriptPath,
        environment: process.env,
        expectedSha256: sha("Write-Output 'x'\n"),
      });
      assert.equal(result.status, 'applied');
      assert.equal(existsSync(join(dir, 'started')), true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('parseExchangeResult', () => {
  it('reads the one result line among other output', () => {
    const result = parseExchangeResult(
      'Waiting…\nENTRA-MAIL-RESULT {"status":"pending","changes":[{"object":"a","action":"create"}],"servicePrincipal":{"identity":"x"},"warnings":["w"]}\n',
    );
    assert.deepEqual(result, {
      status: 'pending',
      changes: [{ object: 'a', action: 'create' }],
      servicePrincipal: { identity: 'x' },
      warnings: ['w'],
    });
  });

  it('treats missing, repeated or malformed result lines as ExternalToolError, redacting tokens', () => {
    const line = 'ENTRA-MAIL-RESULT {"status":"applied","changes":[],"warnings":[]}';
    for (const stdout of [
      '',
      'hello',
      `${line}\n${line}`,
      'ENTRA-MAIL-RESULT {nope',
      'ENTRA-MAIL-RESULT {"status":"done","changes":[],"warnings":[]}',
      'ENTRA-MAIL-RESULT {"status":"applied","changes":[{"object":"a","action":"delete"}],"warnings":[]}',
    ]) {
      assert.throws(
        () => parseExchangeResult(stdout),
        (e: unknown) => e instanceof ExternalToolError && e.step === 'exchange',
      );
    }
    assert.throws(
      () => parseExchangeResult('Authorization: Bearer abcdefghijklmnop'),
      (e: unknown) => e instanceof ExternalToolError && !/abcdefghijklmnop/.test(e.message),
    );
  });

  it('redacts JWTs and bearer tokens', () => {
    assert.equal(redactTokens('x eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefgh y'), 'x [redacted] y');
    assert.equal(redactTokens('access_token=abc.def-ghi_jkl'), 'access_token=[redacted]');
  });
});
