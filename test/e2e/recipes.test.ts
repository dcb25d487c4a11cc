import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { validateWorkflow } from '@action-validator/core';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { parse } from 'yaml';
import { startTestTenant } from '../helpers/cli.ts';
import { writeCliOnPath } from '../helpers/terminal.ts';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url);
const read = (path: string) => readFile(new URL(path, root), 'utf8');

interface Workflow {
  jobs: Record<string, { env?: Record<string, string>; steps: { run?: string; uses?: string; with?: Record<string, string> }[] }>;
}

describe('.github/workflows/rotate.yml', () => {
  it('validates against the published GitHub workflow schema (the validator rejects a broken copy)', async () => {
    const text = await read('.github/workflows/rotate.yml');
    assert.deepEqual(validateWorkflow(text).errors, []);
    assert.notDeepEqual(validateWorkflow(text.replace('runs-on:', 'runs_on:')).errors, []);
  });

  it('runs its entra-mail steps verbatim, with its environment, against the sandbox: due apps rotate into Key Vault', async () => {
    const workflow = parse(await read('.github/workflows/rotate.yml')) as Workflow;
    const job = workflow.jobs['rotate'];
    assert.ok(job);
    const steps = job.steps.map((s) => s.run).filter((r): r is string => r?.startsWith('entra-mail ') === true);
    assert.equal(steps.length, 2);
    const t = await startTestTenant();
    try {
      // `entra-mail` on PATH, as `npm install -g` would put the package's there.
      const binDir = join(t.dir, 'bin');
      await mkdir(binDir);
      await writeCliOnPath(binDir);
      const provision = ['provision', ...t.common, '--model', 'smtp', '--name', 'Rotated Mailer', '--mailbox', 'noreply@contoso.com'];
      await run(join(binDir, 'entra-mail'), [...provision, '--exchange', 'skip', '--secret-lifetime', '10d'], { env: t.env, cwd: t.dir });
      const firstKeyId = t.sandbox.snapshot().applications.find((a) => a.uniqueName === 'rotated-mailer')?.passwordCredentials[0]?.keyId;
      // The workflow's env block, with the repository's settings played by the sandbox; its TLS is trusted like a public CA.
      const settings = { 'vars.AZURE_TENANT_ID': t.env.AZURE_TENANT_ID, 'vars.AZURE_CLIENT_ID': t.env.AZURE_CLIENT_ID };
      const values: Record<string, string | undefined> = {
        ...settings,
        'secrets.AZURE_CLIENT_SECRET': t.env.AZURE_CLIENT_SECRET,
        'vars.KEY_VAULT_URL': t.sandbox.settings.keyVaultUrl,
      };
      const env: NodeJS.ProcessEnv = {
        ...t.env,
        PATH: `${binDir}:${process.env.PATH ?? ''}`,
        NODE_EXTRA_CA_CERTS: t.sandbox.settings.caFile,
      };
      for (const [name, expression] of Object.entries(job.env ?? {})) {
        const key = /^\$\{\{ (\S+) \}\}$/.exec(expression)?.[1];
        assert.ok(key ? values[key] : !expression.includes('${{'), `${name}: ${expression}`);
        env[name] = key ? values[key] : expression;
      }
      // The state directory the cache steps carry from run to run: a second run finds the first's record.
      assert.equal(env.ENTRA_MAIL_STATE_DIR, '.entra-mail-state');
      const cached = job.steps.filter((s) => s.uses?.startsWith('actions/cache/')).map((s) => s.with?.path);
      assert.deepEqual(cached, [env.ENTRA_MAIL_STATE_DIR, env.ENTRA_MAIL_STATE_DIR], 'restored before and saved after');
      for (const step of steps) await run('bash', ['-e', '-o', 'pipefail', '-c', step], { env, cwd: t.dir });
      const journals = await readdir(join(t.dir, '.entra-mail-state', String(t.env.AZURE_TENANT_ID)));
      assert.ok(
        journals.some((f) => f.startsWith('rotated-mailer')),
        `the rotation's record is where the cache saves it: ${journals.join(', ')}`,
      );
      const app = t.sandbox.snapshot().applications.find((a) => a.uniqueName === 'rotated-mailer');
      const stored = t.sandbox.snapshot().keyVault.secrets.find((s) => s.name === 'rotated-mailer-smtp');
      const storedKeyId = stored?.versions.at(-1)?.tags?.['keyId'];
      assert.ok(storedKeyId && storedKeyId !== firstKeyId, 'Key Vault holds a new secret');
      assert.ok(
        app?.passwordCredentials.some((c) => c.keyId === storedKeyId),
        'the secret in Key Vault is one the app accepts',
      );
    } finally {
      await t.close();
    }
  });
});

describe('Dockerfile', () => {
  it('passes the Dockerfile linter (which flags a broken copy)', async () => {
    const text = await read('Dockerfile');
    assert.deepEqual(
      lintDockerfile(text).map((d) => `${d.range.start.line + 1}: ${d.message}`),
      [],
    );
    assert.notDeepEqual(lintDockerfile(text.replace('ENTRYPOINT', 'ENTRYPIONT')), []);
  });

  it('installs the packed tarball on Node within the engines range, pwsh and the exact Exchange module, and runs as a user', async () => {
    const text = await read('Dockerfile');
    const engines = (JSON.parse(await read('package.json')) as { engines: { node: string } }).engines.node;
    const floorMajor = Number(/>=(\d+)/.exec(engines)?.[1]);
    const bases = [...text.matchAll(/^FROM node:(\d+)-/gm)].map((m) => Number(m[1]));
    assert.ok(bases.length === 2 && bases.every((major) => major >= floorMajor), `${bases} vs ${engines}`);
    assert.match(text, /^RUN npm pack --pack-destination \/pack$/m);
    assert.match(text, /^RUN npm install -g --no-audit --no-fund \/tmp\/pack\/entra-mail-\*\.tgz/m);
    assert.match(text, /apt-get install -y --no-install-recommends powershell/);
    // The gallery holds look-alike names; the module is Microsoft's ExchangeOnlineManagement, spelled exactly.
    assert.deepEqual(
      [...text.matchAll(/Install-Module -Name (\S+)/g)].map((m) => m[1]),
      ['ExchangeOnlineManagement'],
    );
    assert.match(text, /^USER node$/m);
    assert.match(text, /^ENTRYPOINT \["entra-mail"\]$/m);
    for (const copied of /^COPY (.+) \.\/$/m.exec(text)?.[1]?.split(' ') ?? []) await read(copied);
    assert.match(await read('.dockerignore'), /^node_modules$/m);
  });
});
