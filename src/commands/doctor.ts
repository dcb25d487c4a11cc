import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { probeAuthority } from '../auth/diagnose-sign-in.ts';
import type { Deps } from '../core/deps.ts';
import { ExitCode, isEntraMailError } from '../core/errors.ts';
import { classifyNetworkFailure, describeNetworkFailure } from '../core/network-failure.ts';
import { describeProxy } from '../core/proxy.ts';
import { paletteFor } from '../core/style.ts';
import { describeSignedIn } from '../preflight/who-am-i.ts';
import type { CommandState } from './shared/command-state.ts';
import { signIn } from './shared/admin-sign-in.ts';
import { resolveConnection, trustCaFile, withTenantOptions, type TenantArgs } from './shared/connection.ts';

interface DoctorArgs extends TenantArgs {
  pwsh?: string;
}

/** One finding: `fail` stops a runbook (its exit code), `warn` only matters for some commands. */
export interface DoctorCheck {
  id: 'node' | 'pwsh' | 'sign-in-endpoint' | 'graph-endpoint' | 'smtp-endpoint' | 'sign-in' | 'roles';
  status: 'pass' | 'warn' | 'fail';
  detail: string;
  fix?: string;
  exitCode?: number;
}

/**
 * `entra-mail doctor`: what a runbook relies on, checked before it runs — Node.js, PowerShell 7 and
 * the ExchangeOnlineManagement module (for `--exchange run`), the sign-in, Graph and SMTP endpoints
 * over the network, the sign-in itself and the roles it carries. Reads only. Exit 0 when nothing
 * fails, else the exit code of the first failure (2, 3, 4, 6 or 7).
 */
export function doctorCommand(deps: Deps, state: CommandState): CommandModule<object, DoctorArgs> {
  return {
    command: 'doctor',
    describe: 'Check this machine and the tenant: Node.js, pwsh and its Exchange module, network, sign-in and roles',
    builder: (y) =>
      withTenantOptions(y).option('pwsh', { type: 'string', describe: 'PowerShell 7 executable [env: ENTRA_MAIL_PWSH]' }) as never,
    handler: async (args) => {
      state.json = Boolean(args.json);
      const connection = resolveConnection(args, deps);
      await trustCaFile(args.caFile);
      const checks: DoctorCheck[] = [checkNode(), await checkPwsh(args.pwsh ?? deps.env.ENTRA_MAIL_PWSH ?? 'pwsh')];
      const proxy = describeProxy(deps.env);
      const authority = await probeAuthority(connection.endpoints.authorityHost, connection.tenant, { proxy });
      checks.push(
        authority
          ? { id: 'sign-in-endpoint', status: 'fail', detail: authority.message, fix: authority.suggestion, exitCode: authority.exitCode }
          : {
              id: 'sign-in-endpoint',
              status: 'pass',
              detail: `${connection.endpoints.authorityHost} answers for tenant ${connection.tenant}`,
            },
      );
      checks.push(await checkHttps('graph-endpoint', connection.endpoints.graphEndpoint, proxy));
      checks.push(await checkTcp(connection.endpoints.smtpHost));
      if (!authority) {
        try {
          const { token } = await signIn(connection, deps, { tokenCache: args.tokenCache });
          const who = describeSignedIn(token);
          checks.push({
            id: 'sign-in',
            status: 'pass',
            detail: `${connection.authMode}: ${who.kind} ${who.account ?? ''} in tenant ${who.tenantId ?? connection.tenant}`,
          });
          const ready = who.models.filter((m) => m.ready).map((m) => m.model);
          const missing = who.models.find((m) => !m.ready);
          checks.push(
            ready.length === who.models.length
              ? {
                  id: 'roles',
                  status: 'pass',
                  detail: `can provision every model (${ready.join(', ')}); the Exchange step needs Exchange Administrator in its own sign-in`,
                }
              : {
                  id: 'roles',
                  status: ready.length > 0 ? 'warn' : 'fail',
                  detail: `can provision ${ready.join(', ') || 'no model'}; not ${who.models
                    .filter((m) => !m.ready)
                    .map((m) => m.model)
                    .join(', ')}`,
                  fix: missing?.missing.join('; '),
                  exitCode: ExitCode.permission,
                },
          );
        } catch (error) {
          if (!isEntraMailError(error)) throw error;
          checks.push({ id: 'sign-in', status: 'fail', detail: error.message, fix: error.suggestion, exitCode: error.exitCode });
        }
      }
      const failed = checks.find((c) => c.status === 'fail');
      if (args.json) deps.stdout.write(`${JSON.stringify({ ok: !failed, checks }, null, 2)}\n`);
      else deps.stdout.write(formatChecks(checks, paletteFor(deps.stdout, deps.env)));
      if (failed) state.exitCode = failed.exitCode ?? ExitCode.bug;
    },
  };
}

function checkNode(): DoctorCheck {
  // bin/entra-mail.js refuses an older Node.js before this runs; this line is for the record.
  return { id: 'node', status: 'pass', detail: `Node.js ${process.versions.node} (${process.execPath})` };
}

/** pwsh ≥ 7 and the ExchangeOnlineManagement module, as the Exchange step runs them (pwsh -File). */
async function checkPwsh(pwsh: string): Promise<DoctorCheck> {
  const fix =
    'Install PowerShell 7 (https://aka.ms/powershell) and then: pwsh -Command "Install-Module -Name ExchangeOnlineManagement -Scope CurrentUser"; only --exchange run needs them.';
  const dir = await mkdtemp(join(tmpdir(), 'entra-mail-doctor-'));
  try {
    const script = join(dir, 'check.ps1');
    await writeFile(
      script,
      [
        "Write-Output ('pwsh ' + $PSVersionTable.PSVersion.ToString())",
        '$m = Get-Module -ListAvailable -Name ExchangeOnlineManagement | Sort-Object Version -Descending | Select-Object -First 1',
        "if ($m) { Write-Output ('module ' + $m.Version.ToString()) } else { Write-Output 'module none' }",
        '',
      ].join('\n'),
    );
    const { execa } = await import('execa');
    const r = await execa(pwsh, ['-NoProfile', '-NonInteractive', '-File', script], { reject: false, stdin: 'ignore', timeout: 60_000 });
    if (r.failed && r.exitCode === undefined) return { id: 'pwsh', status: 'warn', detail: `cannot start '${pwsh}'`, fix };
    const version = /pwsh (\d+)[.\d]*/.exec(r.stdout);
    const module = /module (\S+)/.exec(r.stdout)?.[1];
    if (!version || Number(version[1]) < 7) return { id: 'pwsh', status: 'warn', detail: `'${pwsh}' is not PowerShell 7 or later`, fix };
    if (!module || module === 'none')
      return { id: 'pwsh', status: 'warn', detail: `${version[0]} without the ExchangeOnlineManagement module`, fix };
    return { id: 'pwsh', status: 'pass', detail: `${version[0]}, ExchangeOnlineManagement ${module}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function checkHttps(id: 'graph-endpoint', origin: string, proxy: string | undefined): Promise<DoctorCheck> {
  const host = new URL(origin).host;
  try {
    // Any HTTP answer (401 without a token) proves DNS, TCP and TLS trust.
    const response = await fetch(`${origin.replace(/\/+$/, '')}/v1.0/organization`, { signal: AbortSignal.timeout(30_000) });
    return { id, status: 'pass', detail: `${host} answers over HTTPS (${response.status} without a token)` };
  } catch (error) {
    const failure = classifyNetworkFailure(error);
    if (!failure) return { id, status: 'fail', detail: `${host}: ${(error as Error).message}`, exitCode: ExitCode.service };
    const { message, suggestion } = describeNetworkFailure(failure, host, proxy);
    return { id, status: 'fail', detail: message, fix: suggestion, exitCode: ExitCode.service };
  }
}

/** SMTP submission (verify, the product itself): a TCP connection is enough to know the path is open. */
function checkTcp(hostPort: string): Promise<DoctorCheck> {
  const [host, port] = [hostPort.replace(/:\d+$/, ''), Number(/:(\d+)$/.exec(hostPort)?.[1] ?? 587)];
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 15_000 });
    const done = (check: DoctorCheck) => {
      socket.destroy();
      resolve(check);
    };
    socket.once('connect', () => done({ id: 'smtp-endpoint', status: 'pass', detail: `${host}:${port} accepts connections` }));
    socket.once('timeout', () =>
      done({
        id: 'smtp-endpoint',
        status: 'warn',
        detail: `${host}:${port} did not answer`,
        fix: 'Outbound port 587 may be blocked; only SMTP sending (verify, the product) needs it.',
      }),
    );
    socket.once('error', (error) => {
      const failure = classifyNetworkFailure(error);
      const text = failure ? describeNetworkFailure(failure, `${host}:${port}`) : { message: String(error), suggestion: '' };
      done({
        id: 'smtp-endpoint',
        status: 'warn',
        detail: text.message,
        fix: `${text.suggestion} Only SMTP sending (verify, the product) needs it.`.trim(),
      });
    });
  });
}

function formatChecks(checks: DoctorCheck[], palette: ReturnType<typeof paletteFor>): string {
  const paint = { pass: palette.ok, warn: palette.warn, fail: palette.bad };
  const lines = checks.flatMap((c) => [
    `${paint[c.status](c.status.padEnd(4))}  ${c.id.padEnd(16)} ${c.detail}`,
    ...(c.fix && c.status !== 'pass' ? [`      ${''.padEnd(16)} fix: ${c.fix}`] : []),
  ]);
  const failed = checks.some((c) => c.status === 'fail');
  return `${lines.join('\n')}\n\n${failed ? 'Not ready: see the fixes above.' : 'Ready.'}\n`;
}
