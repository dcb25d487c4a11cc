import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { after, before, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { createTestClock } from '../mail/helpers/test-clock.ts';
import { startLifecycleTenant } from './helpers.ts';

const clock = createTestClock(Date.now());
let t: Awaited<ReturnType<typeof startLifecycleTenant>>;
before(async () => {
  t = await startLifecycleTenant({ clock });
});
after(() => t.close());

const provisionTo = async (uniqueName: string, out: string, format: string) => {
  const r = await t.cli(
    [
      'provision',
      '--model',
      'smtp',
      '--mailbox',
      'noreply@contoso.com',
      '--exchange',
      'skip',
      '--unique-name',
      uniqueName,
      '--out',
      out,
      '--format',
      format,
    ],
    { clock },
  );
  assert.equal(r.code, 0, r.stderr);
};
/** The token endpoint accepts the secret: it is the app's current one, not just any string. */
const signsIn = async (uniqueName: string, secret: string) => {
  const app = t.app(uniqueName);
  const tokenUrl = `${t.sandbox.settings.authorityHost}/${t.sandbox.snapshot().tenant.id}/oauth2/v2.0/token`;
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: app.appId,
    client_secret: secret,
    scope: 'https://outlook.office365.com/.default',
  });
  const { request } = await import('node:https');
  const ca = await readFile(t.sandbox.settings.caFile);
  return new Promise<number>((resolve, reject) => {
    const req = request(tokenUrl, { method: 'POST', ca, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body.toString());
  });
};

test('the --on-rotate command gets the new config on stdin and a minimal environment: never the admin credentials', async () => {
  await provisionTo('hook-env', 'hook-env.env', 'env');
  const record = join(t.dir, 'hook-env.record');
  // As a runbook would have it: the admin's own secret and a token are in the tool's environment.
  t.env.SOME_API_TOKEN = 'tok-should-not-pass';
  try {
    const hook = `node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>require('fs').writeFileSync(process.argv[1],JSON.stringify({env:process.env,stdin:s})))" ${record}`;
    const r = await t.cli(['rotate', '--app', 'hook-env', '--out', 'hook-env.env', '--on-rotate', hook, '--grace', '0'], { clock });
    assert.equal(r.code, 0, r.stderr);
  } finally {
    delete t.env.SOME_API_TOKEN;
  }
  const seen = JSON.parse(await readFile(record, 'utf8')) as { env: Record<string, string>; stdin: string };
  assert.ok(t.env.AZURE_CLIENT_SECRET, 'the admin secret was in the tool environment');
  assert.equal(seen.env.AZURE_CLIENT_SECRET, undefined);
  assert.equal(seen.env.SOME_API_TOKEN, undefined);
  for (const value of Object.values(seen.env)) assert.notEqual(value, t.env.AZURE_CLIENT_SECRET);
  assert.ok(
    Object.keys(seen.env).every((k) => /^(PATH|HOME|USER|LOGNAME|LANG|LANGUAGE|TZ|TMPDIR|TMP|TEMP|LC_\w+)$/.test(k)),
    Object.keys(seen.env).join(' '),
  );
  assert.equal(seen.env.PATH, t.env.PATH, 'it can still find its programs');
  const document = JSON.parse(seen.stdin) as { event: string; clientSecret: string };
  assert.equal(document.event, 'rotated');
  assert.equal(await signsIn('hook-env', document.clientSecret), 200);
});

test('rotate --out keeps a .env file a .env file: only the secret line changes', async () => {
  await provisionTo('keep-env', 'keep-env.env', 'env');
  const before = await readFile(join(t.dir, 'keep-env.env'), 'utf8');
  const r = await t.cli(['rotate', '--app', 'keep-env', '--out', 'keep-env.env', '--grace', '0'], { clock });
  assert.equal(r.code, 0, r.stderr);
  const after = await readFile(join(t.dir, 'keep-env.env'), 'utf8');
  const [was, is] = [parseEnv(before), parseEnv(after)];
  assert.notEqual(is.AZURE_CLIENT_SECRET, was.AZURE_CLIENT_SECRET);
  assert.equal(await signsIn('keep-env', String(is.AZURE_CLIENT_SECRET)), 200);
  assert.deepEqual(
    { ...is, AZURE_CLIENT_SECRET: '' },
    { ...was, AZURE_CLIENT_SECRET: '' },
    'every other variable is as provision wrote it',
  );
  assert.deepEqual(
    after.split('\n').filter((l) => !l.startsWith('AZURE_CLIENT_SECRET=')),
    before.split('\n').filter((l) => !l.startsWith('AZURE_CLIENT_SECRET=')),
    'comments and order too',
  );
});

test('rotate --out keeps a YAML file YAML and a JSON file JSON', async () => {
  await provisionTo('keep-yaml', 'keep-yaml.yaml', 'yaml');
  const yamlBefore = parseYaml(await readFile(join(t.dir, 'keep-yaml.yaml'), 'utf8')) as Record<string, unknown>;
  assert.equal((await t.cli(['rotate', '--app', 'keep-yaml', '--out', 'keep-yaml.yaml', '--grace', '0'], { clock })).code, 0);
  const yamlAfter = parseYaml(await readFile(join(t.dir, 'keep-yaml.yaml'), 'utf8')) as Record<string, unknown>;
  assert.equal(await signsIn('keep-yaml', String(yamlAfter.clientSecret)), 200);
  assert.deepEqual({ ...yamlAfter, clientSecret: '' }, { ...yamlBefore, clientSecret: '' });

  await provisionTo('keep-json', 'keep-json.json', 'json');
  const jsonBefore = JSON.parse(await readFile(join(t.dir, 'keep-json.json'), 'utf8')) as Record<string, unknown>;
  assert.equal((await t.cli(['rotate', '--app', 'keep-json', '--out', 'keep-json.json', '--grace', '0'], { clock })).code, 0);
  const jsonAfter = JSON.parse(await readFile(join(t.dir, 'keep-json.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(await signsIn('keep-json', String(jsonAfter.clientSecret)), 200);
  assert.deepEqual({ ...jsonAfter, clientSecret: '' }, { ...jsonBefore, clientSecret: '' });
});

test('a .env file with no secret line is refused before anything is minted', async () => {
  await provisionTo('keep-bad', 'keep-bad.provisioned.env', 'env');
  await writeFile(join(t.dir, 'keep-bad.env'), 'SOMETHING=else\n', { mode: 0o600 });
  const since = t.sandbox.ctx.log.length;
  const r = await t.cli(['rotate', '--app', 'keep-bad', '--out', 'keep-bad.env'], { clock });
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /AZURE_CLIENT_SECRET/);
  assert.equal(t.sandbox.ctx.log.slice(since).filter((e) => e.method === 'POST' && e.path.endsWith('/addPassword')).length, 0);
  assert.equal(await readFile(join(t.dir, 'keep-bad.env'), 'utf8'), 'SOMETHING=else\n');
});
