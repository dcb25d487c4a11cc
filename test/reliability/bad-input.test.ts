import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../../scripts/lib/harness.ts';

/**
 * Bad input: every flag and config value with a malformed value → exit 2, a
 * message naming the flag, and no request at all — not even a token request, because validation
 * runs before sign-in (README.md#exit-codes).
 */
describe('bad input: exit 2, the flag named, nothing sent', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const provision = (overrides: string[]) => [
    'provision',
    ...h.common,
    '--model',
    'smtp',
    '--name',
    'Bad Input',
    '--mailbox',
    'noreply@contoso.com',
    ...overrides,
  ];
  const verify = (overrides: string[]) => [
    'verify',
    ...h.common,
    '--client-id',
    '00000000-0000-0000-0000-000000000001',
    '--mailbox',
    'noreply@contoso.com',
    ...overrides,
  ];

  const table: [string, () => string[], string][] = [
    ['--tenant not a GUID or domain', () => provision(['--tenant', 'not a tenant']), '--tenant'],
    ['--tenant with an OData quote', () => provision(['--tenant', "contoso.com' or 1 eq 1"]), '--tenant'],
    ['--mailbox without a domain', () => provision(['--mailbox', 'noreply']), '--mailbox'],
    ['--mailbox with a PowerShell quote', () => provision(['--mailbox', "o'brien@contoso.com"]), '--mailbox'],
    ['--mailbox with $()', () => provision(['--mailbox', '$(Remove-Mailbox)@contoso.com']), '--mailbox'],
    ['--mailbox with a newline', () => provision(['--mailbox', 'a@contoso.com\nRemove-Mailbox x']), '--mailbox'],
    ['--name with a newline', () => provision(['--name', 'Mailer\n; Remove-Mailbox -Identity x']), '--name'],
    ['--name too long', () => provision(['--name', 'x'.repeat(121)]), '--name'],
    ['--unique-name with OData metacharacters', () => provision(['--unique-name', "a' or startswith(displayName,'"]), '--unique-name'],
    ['--unique-name with PowerShell metacharacters', () => provision(['--unique-name', 'a;$(Remove-Mailbox)']), '--unique-name'],
    ['--unique-name with a backtick', () => provision(['--unique-name', 'a`b']), '--unique-name'],
    ['--secret-lifetime over 24 months', () => provision(['--secret-lifetime', '25mo']), '--secret-lifetime'],
    ['--secret-lifetime zero', () => provision(['--secret-lifetime', '0d']), '--secret-lifetime'],
    ['--secret-lifetime garbage', () => provision(['--secret-lifetime', 'forever']), '--secret-lifetime'],
    ['--authority-host over http', () => provision(['--authority-host', 'http://127.0.0.1:1']), '--authority-host'],
    ['--authority-host not a URL', () => provision(['--authority-host', 'login microsoft']), '--authority-host'],
    ['--graph-endpoint with credentials', () => provision(['--graph-endpoint', 'https://user:pw@127.0.0.1:1']), '--graph-endpoint'],
    ['--smtp-host without a port', () => provision(['--smtp-host', 'smtp.office365.com']), '--smtp-host'],
    ['--smtp-host port out of range', () => provision(['--smtp-host', 'smtp.office365.com:70000']), '--smtp-host'],
    ['--redirect-uri over http off localhost', () => provision(['--redirect-uri', 'http://example.com/cb']), '--redirect-uri'],
    ['--site-url over http', () => provision(['--profile', 'dnn', '--site-url', 'http://example.com']), '--site-url'],
    ['--model unknown', () => provision(['--model', 'smtp2']), 'model'],
    ['--exchange unknown', () => provision(['--exchange', 'later']), 'exchange'],
    ['--cloud unknown', () => provision(['--cloud', 'mars']), 'cloud'],
    ['--auth unknown', () => provision(['--auth', 'password']), 'auth'],
    ['--format unknown for the profile', () => provision(['--format', 'xml']), '--format'],
    ['--send-as not an address', () => provision(['--send-as', 'everyone']), '--send-as'],
    ['--to not an address', () => provision(['--verify', '--to', 'nobody']), '--to'],
    [
      '--ca-file missing',
      () => ['provision', '--auth', 'env', '--ca-file', join(h.dir, 'missing.pem'), '--model', 'smtp', '--mailbox', 'noreply@contoso.com'],
      '--ca-file',
    ],
    ['--exchange-auth certificate without its files', () => provision(['--exchange-auth', 'certificate']), '--exchange-auth'],
    ['--script-out equal to --out', () => provision(['--out', 'same.txt', '--script-out', 'same.txt']), '--script-out'],
    ['verify --client-id not a GUID', () => verify(['--client-id', "x' or 1 eq 1"]), '--client-id'],
    ['verify --mailbox malformed', () => verify(['--mailbox', 'no reply@contoso.com']), '--mailbox'],
    ['verify --from malformed', () => verify(['--from', 'x@']), '--from'],
    ['verify --secret-env not a variable name', () => verify(['--secret-env', 'A-B']), '--secret-env'],
    ['verify --secret-file missing', () => verify(['--secret-file', join(h.dir, 'nope')]), '--secret-file'],
    ['verify --certificate without --private-key', () => verify(['--certificate', join(h.dir, 'c.pem')]), '--private-key'],
    ['sandbox --latency-ms negative', () => ['sandbox', '--latency-ms', '-1'], '--latency-ms'],
    ['sandbox --fail-rate above 1', () => ['sandbox', '--fail-rate', '2'], '--fail-rate'],
    ['sandbox --replication-ms not a number', () => ['sandbox', '--replication-ms', 'abc'], '--replication-ms'],
    ['sandbox --port out of range', () => ['sandbox', '--port', '70000'], '--port'],
  ];

  for (const [label, argv, flag] of table) {
    it(label, async () => {
      const before = h.sandbox.ctx.log.length;
      const r = await h.run(argv());
      assert.equal(r.code, 2, `exit ${r.code}: ${r.stderr}`);
      assert.ok(r.stderr.includes(flag), `stderr names ${flag}: ${r.stderr}`);
      assert.deepEqual(h.sandbox.ctx.log.slice(before), [], 'no request of any kind reached the tenant');
    });
  }
});
