import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { startSandbox } from '../src/sandbox/index.ts';

/**
 * `npm run fidelity`: an unmodified third-party client against the sandbox. Installs the CLI for
 * Microsoft 365 (@pnp/cli-microsoft365) into .cache/fidelity (once), starts a sandbox with its
 * proxy for Microsoft's host names, and runs the commands an admin would:
 *
 *   m365 login --authType secret            (the sandbox admin app; the secret via its config file)
 *   m365 entra app add --apisApplication … --grantAdminConsent --withSecret
 *   m365 entra app permission list / entra approleassignment list / entra app remove
 *
 * Each answer is checked against the sandbox's state. Exit 0 only when every step passed. Not
 * part of `npm test`: the first run downloads the CLI. docs/sandbox-fidelity.md says what the
 * sandbox copies for it to work.
 */
const M365_VERSION = '11.11.0';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE = join(ROOT, '.cache', 'fidelity');
const BIN = join(CACHE, 'node_modules', '@pnp', 'cli-microsoft365', 'dist', 'index.js');
const APIS = 'https://graph.microsoft.com/Mail.Send,https://outlook.office365.com/SMTP.SendAsApp';

/** What the CLI printed (`--output json`): an object or a list of them. */
type Answer = (Record<string, unknown> & { appId?: string; secrets?: { value?: string }[] }) | Record<string, unknown>[] | undefined;

interface Step {
  name: string;
  ok: boolean;
  detail: string;
}

async function installCli(): Promise<void> {
  const manifest = join(CACHE, 'node_modules', '@pnp', 'cli-microsoft365', 'package.json');
  if (existsSync(manifest) && (JSON.parse(await readFile(manifest, 'utf8')) as { version: string }).version === M365_VERSION) return;
  process.stderr.write(`Installing @pnp/cli-microsoft365@${M365_VERSION} into ${CACHE} …\n`);
  await mkdir(CACHE, { recursive: true });
  await execa('npm', ['install', '--prefix', CACHE, '--no-audit', '--no-fund', '--no-save', `@pnp/cli-microsoft365@${M365_VERSION}`], {
    stdio: 'inherit',
  });
}

await installCli();
const sandbox = await startSandbox({ proxyPort: 0 });
const home = await mkdtemp(join(tmpdir(), 'entra-mail-fidelity-'));
const steps: Step[] = [];
try {
  const { settings } = sandbox;
  // The CLI reads its settings from configstore; the admin secret goes there (0600), not into argv.
  const configDir = join(home, '.config', 'configstore');
  await mkdir(configDir, { recursive: true });
  const config = {
    disableTelemetry: true,
    output: 'json',
    autoOpenLinksInBrowser: false,
    clientSecret: settings.adminClientSecret.reveal(),
  };
  await writeFile(join(configDir, 'cli-m365-config.json'), JSON.stringify(config), { mode: 0o600 });
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    HTTPS_PROXY: settings.proxyUrl,
    NODE_EXTRA_CA_CERTS: settings.caFile,
    CLIMICROSOFT365_NOUPDATE: '1',
    NO_UPDATE_NOTIFIER: '1',
  };
  const m365 = async (name: string, args: string[], check: (json: Answer) => string | undefined): Promise<Answer> => {
    const r = await execa(process.execPath, [BIN, ...args], { env, extendEnv: false, reject: false, timeout: 120_000 });
    let json: Answer;
    try {
      json = r.stdout ? (JSON.parse(r.stdout) as Answer) : undefined;
    } catch {
      json = undefined;
    }
    const problem =
      r.exitCode !== 0 ? `exit ${r.exitCode}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}` : check(json);
    steps.push({ name, ok: !problem, detail: problem ?? 'ok' });
    return json;
  };

  await m365(
    'm365 login --authType secret',
    ['login', '--authType', 'secret', '--appId', settings.adminClientId, '--tenant', settings.tenantId],
    () => undefined,
  );
  const added = await m365(
    'm365 entra app add --apisApplication … --grantAdminConsent --withSecret',
    ['entra', 'app', 'add', '--name', 'Fidelity mailer', '--apisApplication', APIS, '--grantAdminConsent', '--withSecret'],
    (json) => {
      const created = Array.isArray(json) ? undefined : json;
      const app = sandbox.snapshot().applications.find((a) => a.appId === created?.appId);
      if (!app) return 'the app is not in the tenant';
      if (app.passwordCredentials.length !== 1 || !created?.secrets?.[0]?.value) return 'no secret was added and returned';
      const sp = sandbox.snapshot().servicePrincipals.find((s) => s.appId === app.appId);
      const roles = sandbox.snapshot().appRoleAssignments.filter((a) => a.principalId === sp?.id).length;
      return roles === 2 ? undefined : `expected 2 consented app roles, found ${roles}`;
    },
  );
  const appId = String((Array.isArray(added) ? undefined : added?.appId) ?? '');
  await m365('m365 entra app permission list', ['entra', 'app', 'permission', 'list', '--appId', appId], (json) => {
    const values = (Array.isArray(json) ? json : []).map((p) => p['permission']);
    return values.includes('Mail.Send') && values.includes('SMTP.SendAsApp') ? undefined : `listed ${JSON.stringify(values)}`;
  });
  await m365('m365 entra approleassignment list', ['entra', 'approleassignment', 'list', '--appId', appId], (json) => {
    const roles = (Array.isArray(json) ? json : []).map((a) => a['roleName']);
    return roles.includes('Mail.Send') && roles.includes('SMTP.SendAsApp') ? undefined : `listed ${JSON.stringify(roles)}`;
  });
  await m365('m365 entra app remove', ['entra', 'app', 'remove', '--appId', appId, '--force'], () =>
    sandbox.snapshot().applications.some((a) => a.appId === appId) ? 'the app is still there' : undefined,
  );
} finally {
  await sandbox.close();
  await Promise.all([rm(home, { recursive: true, force: true }), rm(sandbox.settings.dir, { recursive: true, force: true })]);
}

const width = Math.max(...steps.map((s) => s.name.length));
process.stdout.write(`CLI for Microsoft 365 ${M365_VERSION} against the sandbox (through its proxy)\n`);
for (const step of steps)
  process.stdout.write(`  ${step.ok ? 'pass' : 'FAIL'}  ${step.name.padEnd(width)}  ${step.ok ? '' : step.detail}\n`);
const passed = steps.filter((s) => s.ok).length;
process.stdout.write(`${passed}/${steps.length} passed\n`);
process.exitCode = passed === steps.length && steps.length === 5 ? 0 : 1;
