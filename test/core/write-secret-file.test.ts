import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LocalStateError } from '../../src/core/errors.ts';
import { removeStaleTempFiles, writeSecretFile } from '../../src/core/write-secret-file.ts';

const root = mkdtempSync(join(tmpdir(), 'secret-file-'));
after(() => rmSync(root, { recursive: true, force: true }));
const freshDir = (): string => mkdtempSync(join(root, 'case-'));
const mode = (path: string): number => lstatSync(path).mode & 0o777;
const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

test('a new file is created 0600 even under umask 000, with the full content', async () => {
  const file = join(freshDir(), 'config.env');
  const previous = process.umask(0);
  try {
    await writeSecretFile(file, 'SECRET=abc\n');
  } finally {
    process.umask(previous);
  }
  assert.equal(mode(file), 0o600);
  assert.equal(lstatSync(file).uid, process.getuid?.());
  assert.equal(readFileSync(file, 'utf8'), 'SECRET=abc\n');
});

test('an existing 0644 target ends up 0600 with the new content, and no temp file is left', async () => {
  const dir = freshDir();
  const file = join(dir, 'config.env');
  writeFileSync(file, 'old\n', { mode: 0o644 });
  assert.equal(mode(file), 0o644);
  await writeSecretFile(file, 'new\n');
  assert.equal(mode(file), 0o600);
  assert.equal(readFileSync(file, 'utf8'), 'new\n');
  assert.deepEqual(readdirSync(dir), ['config.env']);
});

test('a symlink target is refused (exit 5, naming --out: the write may come after changes) and what it points at is untouched', async () => {
  const dir = freshDir();
  const victim = join(dir, 'victim');
  writeFileSync(victim, 'keep\n', { mode: 0o644 });
  const link = join(dir, 'config.env');
  symlinkSync(victim, link);
  await assert.rejects(
    writeSecretFile(link, 'SECRET=abc\n'),
    (e: unknown) => e instanceof LocalStateError && e.message.startsWith('--out ') && e.exitCode === 5,
  );
  assert.equal(readFileSync(victim, 'utf8'), 'keep\n');
  assert.equal(mode(victim), 0o644);
  assert.ok(lstatSync(link).isSymbolicLink());
});

test('a directory as target is refused', async () => {
  const dir = freshDir();
  await assert.rejects(writeSecretFile(dir, 'x'), (e: unknown) => e instanceof LocalStateError && e.message.startsWith('--out '));
});

test('a missing directory is an error that names the code and does not echo the content', async () => {
  await assert.rejects(
    writeSecretFile(join(root, 'no-such-dir', 'f'), 'CANARY-content'),
    (e: unknown) => e instanceof LocalStateError && e.code === 'ENOENT' && !e.message.includes('CANARY'),
  );
});

test('stray temp files of this target are removed on the next write; other files are not', async () => {
  const dir = freshDir();
  const file = join(dir, 'config.env');
  writeFileSync(join(dir, '.config.env.entra-mail-tmp-123-abc'), 'partial', { mode: 0o600 });
  writeFileSync(join(dir, '.other.env.entra-mail-tmp-123-abc'), 'other', { mode: 0o600 });
  await writeSecretFile(file, 'new\n');
  assert.deepEqual(readdirSync(dir).sort(), ['.other.env.entra-mail-tmp-123-abc', 'config.env']);
  assert.deepEqual(await removeStaleTempFiles(join(dir, 'other.env')), ['.other.env.entra-mail-tmp-123-abc']);
});

test('a planted leftover that cannot be removed (a directory at the temp prefix) does not stop the write', async () => {
  const dir = freshDir();
  const file = join(dir, 'config.env');
  mkdirSync(join(dir, '.config.env.entra-mail-tmp-planted'));
  writeFileSync(join(dir, '.config.env.entra-mail-tmp-planted', 'x'), 'x');
  await writeSecretFile(file, 'new\n');
  assert.equal(readFileSync(file, 'utf8'), 'new\n');
  assert.equal(mode(file), 0o600);
});

test('a crash between temp write and rename leaves the old file complete; the next write cleans up', async () => {
  const dir = freshDir();
  const file = join(dir, 'config.env');
  writeFileSync(file, 'OLD=complete\n', { mode: 0o600 });
  const before = sha(file);
  const child = spawn(
    process.execPath,
    [new URL('../profiles/fixtures/crash-writer.ts', import.meta.url).pathname, file, 'NEW=complete\n'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const temp = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.endsWith('\n')) resolve(out.trim());
    });
    child.on('exit', (code) => reject(new Error(`crash writer exited early: ${code}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');

  assert.equal(sha(file), before, 'target unchanged after the crash');
  assert.ok(existsSync(temp), 'the crashed run left its temp file');
  assert.equal(mode(temp), 0o600, 'even the stray temp file was never wider than 0600');

  await writeSecretFile(file, 'NEW=complete\n');
  assert.equal(readFileSync(file, 'utf8'), 'NEW=complete\n');
  assert.ok(!existsSync(temp), 'stray temp removed by the next write');
  assert.deepEqual(readdirSync(dir), ['config.env']);
});
