import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ServiceError } from '../../src/core/errors.ts';
import { escapeForTerminal, escapeInline } from '../../src/core/terminal-text.ts';
import { reportError } from '../../src/commands/shared/report.ts';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/** Control characters (but line feed and tab), DEL, C1 and the bidi controls: none may reach a terminal raw. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** The sequences src/core/style.ts writes. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const PALETTE = /\u001b\[(?:1|2|22|31|32|33|39)m/;
const PALETTE_ALL = new RegExp(PALETTE.source, 'g');

const HOSTILE_NAME = 'Evil \u001b]0;OWNED\u0007\u001b[2J\u001b[31mRED \u001b[8mHIDDEN \u202etxt.exe';
const HOSTILE_TAG = 'entra-mail:profile:x\u001b[41mBG\u001b[0m';
const HOSTILE_CREDENTIAL = 'entra-mail:\u001b]0;PWNED\u0007\u2066x \u001b[8mHIDDEN';

/**
 * Text from the tenant (display names, tags, credential names), from servers (error codes,
 * request ids) and from argv never reaches the terminal raw (docs/local-safety.md): escaped as
 * \uXXXX, and in --json the same value after parsing.
 */
describe('terminal safety', () => {
  let t: Tenant;
  before(async () => {
    t = await startTestTenant();
    const r = await runCli(
      ['provision', ...t.common, '--model', 'smtp', '--name', 'Plain Name', '--mailbox', 'noreply@contoso.com', '--exchange', 'skip'],
      { env: t.env, cwd: t.dir },
    );
    assert.equal(r.code, 0, r.stderr);
    // An owner of the app can set all three in the portal or through Graph.
    const app = t.sandbox.ctx.state.applications.find((a) => a.uniqueName === 'plain-name');
    assert.ok(app);
    app.displayName = HOSTILE_NAME;
    app.tags.push(HOSTILE_TAG);
    for (const c of app.passwordCredentials) c.displayName = HOSTILE_CREDENTIAL;
  });
  after(() => t.close());

  // Only the colours src/core/style.ts writes may pass (bold, dim, red, green, yellow, their resets). Everything else is escaped.
  const assertSafe = (text: string) => assert.doesNotMatch(text.replace(PALETTE_ALL, ''), RAW, JSON.stringify(text.slice(0, 300)));

  it('status prints hostile names, tags and credential names escaped', async () => {
    const r = await runCli(['status', ...t.common], { env: t.env, cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    assertSafe(r.stdout);
    assertSafe(r.stderr);
    assert.match(r.stdout, /\\u001b\]0;PWNED/);
  });

  it('with colour on, the palette passes but a concealing sequence from the tenant is escaped', async () => {
    const r = await runCli(['status', ...t.common], { env: { ...t.env, FORCE_COLOR: '1' }, cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    assertSafe(r.stdout);
    assertSafe(r.stderr);
    assert.match(r.stdout, /\\u001b\[8mHIDDEN/);
    assert.match(r.stdout + r.stderr, PALETTE, 'the palette is on');
  });

  it('status --json escapes them too, and parses back to exactly what the tenant holds', async () => {
    const r = await runCli(['status', ...t.common, '--json'], { env: t.env, cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    assertSafe(r.stdout);
    assert.ok(JSON.stringify(JSON.parse(r.stdout)).includes(JSON.stringify(HOSTILE_CREDENTIAL).slice(1, -1)));
  });

  it('deprovision --dry-run shows the display name escaped', async () => {
    const r = await runCli(['deprovision', ...t.common, '--app', 'plain-name', '--dry-run'], { env: t.env, cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    assertSafe(r.stdout + r.stderr);
    assert.match(r.stdout, /Evil \\u001b\]0;OWNED\\u0007\\u001b\[2J/);
    assert.match(r.stdout, /\\u001b\[8mHIDDEN/);
  });

  it('argv echoed in an error is escaped', async () => {
    const r = await runCli(['provision', ...t.common, '--mailbox', 'a@contoso.com', '--profile', '../../etc/passwd\u001b[31m'], {
      env: t.env,
      cwd: t.dir,
    });
    assert.equal(r.code, 2, r.stderr);
    assertSafe(r.stderr);
  });

  it('an error carrying a server code and request id with escape sequences is printed escaped', () => {
    const error = new ServiceError('Graph said \u001b[31mno', {
      code: 'Authorization_RequestDenied\u001b]0;OWNED-TITLE\u0007',
      requestId: 'rid-\u001b[5mBLINK',
      object: 'app \u202eevil',
    });
    let stderr = '';
    let stdout = '';
    const code = reportError(
      error,
      { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } },
      {
        json: true,
        verbose: false,
      },
    );
    assert.equal(code, 7);
    assertSafe(stderr);
    assertSafe(stdout);
    assert.match(stderr, /request-id: rid-\\u001b\[5mBLINK/);
  });

  it('escapes keep line breaks in messages and escape them in one-line values', () => {
    assert.equal(escapeForTerminal('a\nb\tc\r\nd\re'), 'a\nb\tc\r\nd\\u000de');
    assert.equal(escapeInline('a\nb'), 'a\\u000ab');
    assert.equal(escapeInline('x\u202ey'), 'x\\u202ey');
  });
});
