import { join } from 'node:path';
import type { SandboxSettings } from '../sandbox/index.ts';

/**
 * What `entra-mail sandbox` prints and writes for its clients: the settings (text or JSON) and the
 * environment files `--auth env` (admin.env, with the admin app's secret) and
 * `--auth workload-identity` (workload.env, with the federated token file instead) read.
 */

export function sandboxSettingsJson(s: SandboxSettings, envFile: string, showSecret: boolean): Record<string, unknown> {
  return {
    tenantId: s.tenantId,
    tenantDomain: s.tenantDomain,
    authorityHost: s.authorityHost,
    graphEndpoint: s.graphEndpoint,
    smtpHost: s.smtpHost,
    exchangeEndpoint: s.exchangeEndpoint,
    caFile: s.caFile,
    pwsh: s.pwshPath,
    ...(s.proxyUrl ? { proxyUrl: s.proxyUrl } : {}),
    dir: s.dir,
    admin: {
      tenantId: s.tenantId,
      clientId: s.adminClientId,
      envFile,
      ...(showSecret ? { clientSecret: s.adminClientSecret.reveal() } : {}),
    },
    workloadIdentity: {
      clientId: s.adminClientId,
      envFile: join(s.dir, 'workload.env'),
      tokenFile: s.workloadIdentity.tokenFile,
      issuer: s.workloadIdentity.issuer,
      subject: s.workloadIdentity.subject,
      audience: s.workloadIdentity.audience,
    },
    tenants: s.tenants,
  };
}

/** The environment `--auth env` reads, in a 0600 file: the secret stays off the terminal. */
export function adminEnvironment(s: SandboxSettings): Record<string, string> {
  return {
    AZURE_TENANT_ID: s.tenantId,
    AZURE_CLIENT_ID: s.adminClientId,
    AZURE_CLIENT_SECRET: s.adminClientSecret.reveal(),
    AZURE_AUTHORITY_HOST: s.authorityHost,
    ENTRA_MAIL_GRAPH_ENDPOINT: s.graphEndpoint,
    ENTRA_MAIL_SMTP_HOST: s.smtpHost,
    ENTRA_MAIL_EXCHANGE_ENDPOINT: s.exchangeEndpoint,
    ENTRA_MAIL_PWSH: s.pwshPath,
  };
}

/**
 * `--auth workload-identity` with the admin app: no secret, a federated token file the sandbox keeps
 * fresh (docs/sign-in.md#workload-identity-federation); the variables Azure workload identity sets
 * in a Kubernetes pod.
 */
export function workloadEnvironment(s: SandboxSettings): Record<string, string> {
  const { AZURE_CLIENT_SECRET: _secret, ...rest } = adminEnvironment(s);
  return { ...rest, AZURE_FEDERATED_TOKEN_FILE: s.workloadIdentity.tokenFile };
}

export function writeAdminEnvFile(s: SandboxSettings): Promise<string> {
  return writeEnvFile(join(s.dir, 'admin.env'), adminEnvironment(s));
}

export function writeWorkloadEnvFile(s: SandboxSettings): Promise<string> {
  return writeEnvFile(join(s.dir, 'workload.env'), workloadEnvironment(s));
}

async function writeEnvFile(path: string, env: Record<string, string>): Promise<string> {
  const { writeSecretFile } = await import('../core/write-secret-file.ts');
  const body = Object.entries(env)
    .map(([k, v]) => `export ${k}='${v.replaceAll("'", "'\\''")}'`)
    .join('\n');
  await writeSecretFile(path, `${body}\n`);
  return path;
}

export function formatSandboxSettings(s: SandboxSettings, envFile: string, showSecret: boolean): string {
  const lines = [
    `Sandbox tenant ${s.tenantId} (${s.tenantDomain}) is running on 127.0.0.1. Stop it with Ctrl-C.`,
    '',
    `  authority host  ${s.authorityHost}`,
    `  Graph endpoint  ${s.graphEndpoint}`,
    `  SMTP host       ${s.smtpHost}`,
    `  Exchange admin  ${s.exchangeEndpoint}`,
    `  CA to trust     ${s.caFile}`,
    `  pwsh stand-in   ${s.pwshPath}`,
    ...(s.proxyUrl ? [`  HTTPS proxy     ${s.proxyUrl} (login.microsoftonline.com, graph.microsoft.com, outlook.office365.com)`] : []),
    `  admin app       ${s.adminClientId}${showSecret ? ` secret ${s.adminClientSecret.reveal()}` : ''}`,
    '',
    'From another shell (the admin app of this local sandbox signs in with --auth env):',
    '',
    `  . ${envFile}`,
    `  entra-mail provision --auth env --ca-file ${s.caFile} --model smtp --mailbox noreply@contoso.com --exchange run`,
    '',
    'Or with no secret at all, as a scheduled job does with workload identity federation (the token file is rewritten every 20 minutes):',
    '',
    `  . ${join(s.dir, 'workload.env')}`,
    `  entra-mail whoami --auth workload-identity --ca-file ${s.caFile}`,
    '',
    ...formatOtherTenants(s),
  ];
  return lines.join('\n');
}

/** With --tenants N: every other tenant, and how the same admin app signs in to one of them. */
function formatOtherTenants(s: SandboxSettings): string[] {
  const others = s.tenants.slice(1);
  const first = others[0];
  if (!first) return [];
  const shown = others.slice(0, 20);
  return [
    `${others.length} more tenant${others.length === 1 ? '' : 's'}; the admin app is consented in each (all of them: settings.json in ${s.dir}):`,
    '',
    ...shown.map((t) => `  ${t.tenantId}  ${t.domain}  ${t.mailboxes[0] ?? ''}`),
    ...(others.length > shown.length ? [`  … and ${others.length - shown.length} more`] : []),
    '',
    'Sign in to another tenant with the same admin app by naming it:',
    '',
    `  entra-mail provision --auth env --ca-file ${s.caFile} --tenant ${first.tenantId} --model smtp --mailbox ${first.mailboxes[0] ?? ''} --exchange api`,
    '',
  ];
}
