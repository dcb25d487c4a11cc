import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { EXAMPLES } from '../../src/commands/shared/examples.ts';
import { runCli } from '../helpers/cli.ts';
import { writeCliOnPath } from '../helpers/terminal.ts';

/** The conventions admins expect from a CLI: help, typos, completion, output formats. */
describe('CLI conventions', () => {
  let dir: string;
  const env = { PATH: process.env.PATH };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'entra-mail-conv-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('no arguments prints the help (exit 0), and -h is --help', async () => {
    const none = await runCli([], { env, cwd: dir });
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout, /entra-mail <command> \[options\]/);
    assert.match(none.stdout, /provision/);
    const short = await runCli(['-h'], { env, cwd: dir });
    assert.equal(short.code, 0);
    assert.equal(short.stdout, (await runCli(['--help'], { env, cwd: dir })).stdout);
  });

  it('a mistyped command gets a suggestion and exit 2', async () => {
    const r = await runCli(['provison', '--model', 'smtp'], { env, cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Unknown command 'provison'\. Did you mean provision\?/);
  });

  it("each command's help shows its examples and groups its options (sign-in, app, Exchange, output)", async () => {
    for (const [command, examples] of Object.entries(EXAMPLES)) {
      const r = await runCli([command, '-h'], { env, cwd: dir });
      assert.equal(r.code, 0, `${command}: ${r.stderr}`);
      assert.ok(examples.length >= 2 && examples.length <= 3, command);
      assert.match(r.stdout, /Examples:/, command);
      // yargs wraps long examples into two columns: every word of each example is there.
      const words = new Set(r.stdout.split(/\s+/));
      for (const [example] of examples) {
        for (const word of example.replace('$0', 'entra-mail').split(' '))
          assert.ok(words.has(word), `${command}: '${word}' of ${example}`);
      }
    }
    const provision = (await runCli(['provision', '--help'], { env, cwd: dir })).stdout;
    const order = ['Sign-in:', 'App:', 'Exchange:', 'Output:'].map((g) => provision.indexOf(`\n${g}\n`));
    assert.ok(
      order.every((i, n) => i > 0 && (n === 0 || i > (order[n - 1] as number))),
      `groups in order: ${order}`,
    );
  });

  it('--output json is --json; a bad --output is a usage error', async () => {
    const json = await runCli(['profiles', '--output', 'json'], { env, cwd: dir });
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), JSON.parse((await runCli(['profiles', '--json'], { env, cwd: dir })).stdout));
    const bad = await runCli(['profiles', '--output', 'xml'], { env, cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Invalid values/);
  });

  it('`entra-mail completion >> ~/.bashrc` gives bash completion of commands', async () => {
    const home = join(dir, 'home');
    const bin = join(dir, 'bin');
    await execa('mkdir', ['-p', home, bin]);
    // `entra-mail` on PATH, as an installed package puts it there.
    await writeCliOnPath(bin);
    const shellEnv = { PATH: `${bin}:${process.env.PATH}`, HOME: home };
    // The line the script itself prints for installing it, run verbatim.
    const script = (await execa('entra-mail', ['completion'], { env: shellEnv, extendEnv: false })).stdout;
    const install = /Installation: (entra-mail completion >> ~\/\.bashrc)/.exec(script)?.[1];
    assert.ok(install, script);
    await execa('bash', ['-c', install], { env: shellEnv, extendEnv: false });
    const r = await execa(
      'bash',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash array expansion, not a template
      ['-c', 'source ~/.bashrc; COMP_WORDS=(entra-mail prov); COMP_CWORD=1; _entra-mail_yargs_completions; echo "${COMPREPLY[@]}"'],
      { env: shellEnv, extendEnv: false },
    );
    assert.equal(r.stdout.trim(), 'provision');
  });
});
