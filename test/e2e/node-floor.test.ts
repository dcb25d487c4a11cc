import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { execa } from 'execa';
import { checkNode, readFloor } from '../../bin/check-node.js';

const root = new URL('../../', import.meta.url).pathname;

/** A Node.js on this machine older than the floor (the system's own is 20 on the project's machines), if any. */
function findOldNode(): string | undefined {
  const floor = readFloor();
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node', '/bin/node']) {
    if (!existsSync(candidate)) continue;
    const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
    if (checkNode(version, candidate) !== undefined && floor[0] > 0) return candidate;
  }
  return undefined;
}

describe('the Node.js floor', () => {
  it('is the one in package.json, and 22.19 at least: tls.setDefaultCACertificates arrived in 22.19.0', () => {
    const [major, minor] = readFloor();
    assert.ok(major === 22 ? (minor as number) >= 19 : (major as number) > 22, `engines.node floor ${readFloor().join('.')}`);
    assert.equal(checkNode('v22.18.0', 'node') !== undefined, true);
    assert.equal(checkNode('v22.19.0', 'node'), undefined);
    assert.equal(checkNode('v24.1.0', 'node'), undefined);
    assert.equal(checkNode(process.version, process.execPath), undefined, 'the Node.js running the tests is supported');
  });

  const old = findOldNode();
  it('an older Node.js gets one line (found, needed, how to get it) and exit 2 from every entry point', {
    skip: old ? false : 'no Node.js older than the floor on this machine',
  }, async () => {
    const entries: string[][] = [
      [join(root, 'bin', 'entra-mail.js'), '--help'],
      [join(root, 'bin', 'entra-mail.js'), 'demo'],
      [join(root, 'bin', 'entra-mail.js'), '--version'],
      [join(root, 'bin', 'check-node.js')],
    ];
    for (const entry of entries) {
      const r = await execa(old as string, entry, { reject: false, cwd: root });
      assert.equal(r.exitCode, 2, `${entry.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      const version = execFileSync(old as string, ['--version'], { encoding: 'utf8' })
        .trim()
        .replace(/^v/, '');
      assert.match(
        lines[0] as string,
        new RegExp(`needs Node\\.js ${readFloor().join('\\.')} or later, but .* is Node\\.js ${version.replaceAll('.', '\\.')}`),
      );
      assert.match(lines[0] as string, /https:\/\/nodejs\.org\/en\/download/);
    }
  });
});
