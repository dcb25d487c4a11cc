import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { type InstalledPackage, packAndInstall } from '../helpers/package.ts';

const root = new URL('../../', import.meta.url).pathname;
const checkoutBin = join(root, 'bin', 'entra-mail.js');

/** Reads `export KEY='value'` lines of the sandbox's admin.env. */
async function readEnvFile(path: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    const m = /^export ([A-Z_]+)='(.*)'$/.exec(line);
    if (m) env[m[1] as string] = (m[2] as string).replaceAll("'\\''", "'");
  }
  return env;
}

describe('the packaged CLI (npm pack, npm install -g into a clean prefix) against `entra-mail sandbox` in a child process', () => {
  let installed: InstalledPackage;
  let bin: string;
  let sandbox: ChildProcess;
  let settings: { caFile: string; dir: string; admin: { envFile: string }; tenantId: string };
  let work: string;

  before(async () => {
    installed = await packAndInstall(root);
    bin = installed.bin;
    work = await mkdtemp(join(tmpdir(), 'entra-mail-e2e-'));
    sandbox = spawn(process.execPath, [bin, 'sandbox', '--json', '--dir', join(work, 'sandbox')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    settings = await new Promise((resolve, reject) => {
      sandbox.stdout?.on('data', (chunk) => {
        out += String(chunk);
        try {
          resolve(JSON.parse(out));
        } catch {
          // not complete yet
        }
      });
      sandbox.on('exit', (code) => reject(new Error(`sandbox exited ${code}`)));
    });
  });

  after(async () => {
    sandbox.kill('SIGTERM');
    await new Promise((resolve) => sandbox.once('exit', resolve));
    await rm(work, { recursive: true, force: true });
    await rm(installed.work, { recursive: true, force: true });
  });

  it('installs without run-time dependencies and runs the bundle, not sources', async () => {
    assert.ok(existsSync(join(installed.packageDir, 'dist', 'main.cjs')));
    assert.ok(!existsSync(join(installed.packageDir, 'src')), 'the package ships no sources');
    assert.ok(!existsSync(join(installed.packageDir, 'node_modules')), 'every dependency is bundled (scripts/build.ts)');
    assert.ok((await readdir(installed.packageDir)).includes('LICENSE'));
  });

  it('names no path of the checkout it was built in', async () => {
    const checkout = root.replace(/\/+$/, '');
    for (const name of await readdir(join(installed.packageDir, 'dist'), { recursive: true })) {
      const file = join(installed.packageDir, 'dist', name);
      if (!(await stat(file)).isFile()) continue;
      assert.ok(!(await readFile(file, 'latin1')).includes(checkout), `dist/${name} names ${checkout}`);
    }
  });

  it('ships its code as ASCII only: the bin reads the bundle as one byte per character (bin/run-bundle.js)', async () => {
    const vendored = (await readdir(join(installed.packageDir, 'dist', 'vendor'))).map((name) => `vendor/${name}`);
    for (const name of ['main.cjs', 'pwsh-stand-in.cjs', ...vendored]) {
      const bytes = await readFile(join(installed.packageDir, 'dist', name));
      const at = bytes.findIndex((byte) => byte > 0x7f);
      assert.equal(at, -1, `dist/${name} has a non-ASCII byte at ${at}: ${bytes.subarray(Math.max(0, at - 40), at + 10).toString('utf8')}`);
    }
  });

  it('runs `entra-mail demo` from the clean prefix: provision, Exchange through the pwsh stand-in, a real test mail', async () => {
    const env = { PATH: `${installed.binDir}:${process.env.PATH ?? ''}`, HOME: work };
    const r = await execa('entra-mail', ['demo'], { env, cwd: work, reject: false, extendEnv: false });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /The app can send mail/);
    assert.match(r.stderr, /delivered over smtp/);
  });

  it('loads a package kept out of the bundle when a command needs it: the fleet file schema (ajv)', async () => {
    // dist/vendor/ holds the packages only some commands load (scripts/build.ts); demo and verify above load
    // nodemailer and execa, the sandbox the x509 one. A fleet file with an unknown key is refused by the schema.
    const file = join(work, 'vendored.yaml');
    await writeFile(
      file,
      [
        'version: 1',
        'tenants:',
        '  - tenant: contoso.onmicrosoft.com',
        '    apps:',
        '      - name: A',
        '        mailboxes: [a@contoso.com]',
        '        mailbox: b@contoso.com',
        '',
      ].join('\n'),
    );
    const r = await execa(process.execPath, [bin, 'plan', '-f', file], {
      cwd: work,
      reject: false,
      env: { PATH: process.env.PATH ?? '', HOME: work },
      extendEnv: false,
    });
    assert.equal(r.exitCode, 2, r.stderr);
    assert.match(r.stderr, /vendored\.yaml:7:9: tenants\[0\]\.apps\[0\]\.mailbox: unknown key/);
  });

  it('prints the same help and profiles as the sources (the bundle changes no output)', async () => {
    for (const args of [['--help'], ['provision', '--help'], ['profiles', '--json']]) {
      const packaged = await execa(process.execPath, [bin, ...args]);
      const source = await execa(process.execPath, [checkoutBin, ...args]);
      assert.equal(packaged.stdout, source.stdout, args.join(' '));
    }
  });

  it('keeps a code cache of what each command ran in the user’s cache directory (0700, files 0600), and reuses it', async () => {
    const cache = join(work, 'xdg-cache');
    const env = { ...process.env, XDG_CACHE_HOME: cache };
    const dir = join(cache, 'entra-mail', 'code-cache');
    const first = await execa(process.execPath, [bin, '--help'], { env });
    await execa(process.execPath, [bin, 'profiles'], { env });
    const files = (await readdir(dir)).sort();
    assert.equal(files.length, 2, files.join(' '));
    // --help only printed help: its cache is a partial one (bin/run-bundle.js).
    assert.match(
      files.join(' '),
      /^[0-9a-f]{16}-v[\d.]+-\w+-[0-9a-f]{8}-options\.partial\.bin [0-9a-f]{16}-v[\d.]+-\w+-[0-9a-f]{8}-profiles\.bin$/,
    );
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    const help = join(dir, files[0] as string);
    assert.equal((await stat(help)).mode & 0o777, 0o600);
    // Accepted: the second run leaves the file as it was.
    const written = (await stat(help)).mtimeMs;
    const second = await execa(process.execPath, [bin, '--help'], { env });
    assert.equal(second.stdout, first.stdout);
    assert.equal((await stat(help)).mtimeMs, written);
    // Damaged: V8 refuses it, the run is the same, and the file is made again.
    await writeFile(help, Buffer.alloc(4096, 7));
    const third = await execa(process.execPath, [bin, '--help'], { env });
    assert.equal(third.stdout, first.stdout);
    assert.ok((await stat(help)).size > 10_000);
    // Another build's file goes when this build writes one.
    const stale = join(dir, `0000000000000000-${process.version}-${process.arch}-00000000-status.bin`);
    await writeFile(stale, 'old');
    await rm(join(dir, files[1] as string));
    await execa(process.execPath, [bin, 'profiles'], { env });
    assert.ok(!existsSync(stale), 'the other build’s cache was removed');
  });

  it('a run that only printed help leaves a partial cache, which the first whole run of the command replaces once', async () => {
    const cache = join(work, 'xdg-cache-partial');
    const env = { ...process.env, XDG_CACHE_HOME: cache };
    const dir = join(cache, 'entra-mail', 'code-cache');
    await execa(process.execPath, [bin, 'profiles', '--help'], { env });
    assert.match((await readdir(dir)).join(' '), /^\S+-profiles\.partial\.bin$/);
    await execa(process.execPath, [bin, 'profiles'], { env });
    const [whole] = await readdir(dir);
    assert.match(whole as string, /-profiles\.bin$/);
    const written = (await stat(join(dir, whole as string))).mtimeMs;
    await execa(process.execPath, [bin, 'profiles', '--help'], { env });
    await execa(process.execPath, [bin, 'profiles'], { env });
    assert.deepEqual(await readdir(dir), [whole]);
    assert.equal((await stat(join(dir, whole as string))).mtimeMs, written);
  });

  it('does not use a code cache directory that others can write to', async () => {
    const cache = join(work, 'xdg-cache-shared');
    const dir = join(cache, 'entra-mail', 'code-cache');
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o777);
    const r = await execa(process.execPath, [bin, '--help'], { env: { ...process.env, XDG_CACHE_HOME: cache } });
    assert.equal(r.exitCode, 0);
    assert.deepEqual(await readdir(dir), []);
  });

  it('NODE_DISABLE_COMPILE_CACHE=1 turns the code cache off', async () => {
    const cache = join(work, 'xdg-cache-off');
    const r = await execa(process.execPath, [bin, '--help'], {
      env: { ...process.env, XDG_CACHE_HOME: cache, NODE_DISABLE_COMPILE_CACHE: '1' },
    });
    assert.equal(r.exitCode, 0);
    assert.ok(!existsSync(join(cache, 'entra-mail')));
  });

  it('--version answers from package.json', async () => {
    const r = await execa(process.execPath, [bin, '--version']);
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
    assert.equal(r.stdout.trim(), pkg.version);
  });

  it('prints no secret in its settings, and keeps the admin credentials in a 0600 file', async () => {
    assert.equal((await stat(settings.admin.envFile)).mode & 0o777, 0o600);
    const admin = await readEnvFile(settings.admin.envFile);
    assert.ok(admin.AZURE_CLIENT_SECRET);
    assert.ok(!JSON.stringify(settings).includes(admin.AZURE_CLIENT_SECRET as string));
  });

  it('provisions twice through the bin: the second run changes nothing', async () => {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: work,
      ENTRA_MAIL_STATE_DIR: join(work, 'state'),
      ...(await readEnvFile(settings.admin.envFile)),
    };
    const args = [
      bin,
      'provision',
      '--auth',
      'env',
      '--ca-file',
      settings.caFile,
      '--model',
      'smtp',
      '--name',
      'E2E Mailer',
      '--mailbox',
      'noreply@contoso.com',
      '--exchange',
      'run',
      '--json',
    ];
    const first = await execa(process.execPath, args, { env, cwd: work, reject: false, extendEnv: false });
    assert.equal(first.exitCode, 0, first.stderr);
    const result = JSON.parse(first.stdout);
    assert.equal(result.tenantId, settings.tenantId);
    assert.equal(result.exchange.status, 'applied');
    assert.equal((await stat(result.secret.writtenTo)).mode & 0o777, 0o600);
    const second = await execa(process.execPath, args, { env, cwd: work, reject: false, extendEnv: false });
    assert.equal(second.exitCode, 0, second.stderr);
    const again = JSON.parse(second.stdout);
    assert.ok(again.changes.filter((c: { step: string }) => c.step !== 'exchange').every((c: { action: string }) => c.action === 'none'));
    assert.ok(
      again.exchange.changes.every((c: { action: string }) => c.action === 'none'),
      JSON.stringify(again.exchange),
    );
  });

  it('sends token, metadata and Graph requests through one HTTP stack: Node’s bundled fetch is never loaded', async () => {
    // docs/performance.md#provision: the Graph client and @azure/identity share the Azure SDK's node:https client.
    const report = `process.on('exit', () => process.stderr.write('fetch loaded: ' + process.moduleLoadList.some((m) => m.includes('undici')) + '\\n'))`;
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: work,
      ENTRA_MAIL_STATE_DIR: join(work, 'state'),
      NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(report)}`,
      ...(await readEnvFile(settings.admin.envFile)),
    };
    const args = ['provision', '--auth', 'env', '--ca-file', settings.caFile, '--model', 'smtp', '--name', 'One Stack'];
    args.push('--mailbox', 'noreply@contoso.com', '--exchange', 'skip', '--json');
    const run = await execa(process.execPath, [bin, ...args], { env, cwd: work, reject: false, extendEnv: false });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).tenantId, settings.tenantId);
    assert.match(run.stderr, /^fetch loaded: false$/m);
    // --ca-file among them: nothing in the run goes through Node's experimental vm import hook (scripts/build.ts).
    assert.doesNotMatch(run.stderr, /Warning/);
  });

  it('verify sends a real message, and `sandbox messages` lists it', async () => {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: work,
      ENTRA_MAIL_STATE_DIR: join(work, 'state'),
      ...(await readEnvFile(settings.admin.envFile)),
    };
    const provisioned = await execa(
      process.execPath,
      [
        bin,
        'provision',
        '--auth',
        'env',
        '--ca-file',
        settings.caFile,
        '--model',
        'graph',
        '--name',
        'E2E Graph',
        '--mailbox',
        'alerts@contoso.com',
        '--exchange',
        'skip',
        '--verify',
        '--to',
        'hr@contoso.com',
        '--json',
      ],
      { env, cwd: work, reject: false, extendEnv: false },
    );
    assert.equal(provisioned.exitCode, 0, provisioned.stderr);
    assert.equal(JSON.parse(provisioned.stdout).verify.ok, true);
    const listed = await execa(process.execPath, [bin, 'sandbox', 'messages', '--dir', settings.dir, '--to', 'hr@contoso.com', '--json'], {
      reject: false,
    });
    assert.equal(listed.exitCode, 0, listed.stderr);
    const messages = JSON.parse(listed.stdout);
    assert.equal(messages.length, 1);
    assert.equal(messages[0].via, 'graph');
    assert.equal(messages[0].from, 'alerts@contoso.com');
  });

  it('bad input exits 2 before any request', async () => {
    const r = await execa(process.execPath, [bin, 'provision', '--tenant', 'not a tenant!', '--mailbox', 'x@y.com'], { reject: false });
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /--tenant/);
  });
});
