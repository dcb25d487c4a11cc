import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSecretFile } from '../../core/write-secret-file.ts';
import { DIRECTORY_ROLES } from '../../core/well-known.ts';
import type { SandboxContext } from '../context.ts';
import { sandboxAdminUser } from '../token/user-token.ts';
import type { PwshSession } from './session.ts';
import { SESSION_ENV } from './session.ts';

/** Twelve hours: long enough for a demo or a test run, like an admin's session. */
const SESSION_LIFETIME_SECONDS = 12 * 3600;

/**
 * Writes the sandbox's pwsh stand-in into `dir` and returns the path of its executable wrapper:
 * `pwsh-session.json` (0600: endpoint, CA path, an Exchange-audience admin token) and `pwsh`
 * (0700: a shell wrapper that execs this Node on the stand-in's entry file with the session path
 * in ENTRA_MAIL_PWSH_SESSION). The token is never in argv. Expects the sandbox CA at `dir/ca.pem`.
 */
export async function writePwshStandIn(ctx: SandboxContext, dir: string, entry: string = standInEntry()): Promise<string> {
  const tenant = ctx.state.tenant;
  const domain = tenant.domains[0] ?? 'contoso.onmicrosoft.com';
  const admin = sandboxAdminUser(tenant.id, domain);
  const token = await ctx.signToken({
    aud: 'https://outlook.office365.com',
    tid: tenant.id,
    oid: admin.id,
    sub: admin.id,
    upn: admin.userPrincipalName,
    idtyp: 'user',
    scp: 'AdminApi.AccessAsUser.All',
    wids: [DIRECTORY_ROLES['Global Administrator']],
    // The Exchange Online PowerShell module's public client (docs/exchange-invoke-command.md#sources).
    appid: 'fb78d390-0c51-40cd-8e17-fdbfab77341b',
    lifetimeSeconds: SESSION_LIFETIME_SECONDS,
  });
  const session: PwshSession = {
    endpoint: ctx.origin,
    tenantId: tenant.id,
    token,
    userPrincipalName: admin.userPrincipalName,
    caPath: join(dir, 'ca.pem'),
  };
  const sessionPath = join(dir, 'pwsh-session.json');
  await writeAtomically(sessionPath, `${JSON.stringify(session, null, 2)}\n`, 0o600);

  const wrapperPath = join(dir, 'pwsh');
  const wrapper = [
    '#!/bin/sh',
    "# The sandbox's stand-in for pwsh (entra-mail). Usage: pwsh -NoProfile -NonInteractive -File <script>",
    `${SESSION_ENV}=${shellQuote(sessionPath)}`,
    `export ${SESSION_ENV}`,
    // --liftoff-only: V8's baseline WebAssembly code only. Otherwise V8 also optimises the PowerShell
    // grammar's WebAssembly in the background and each short run waits for that at exit, about 2.5 s
    // of CPU instead of 0.3 (docs/sandbox-fidelity.md#the-pwsh-stand-in).
    `exec ${shellQuote(process.execPath)} --liftoff-only ${shellQuote(entry)} "$@"`,
    '',
  ].join('\n');
  await writeAtomically(wrapperPath, wrapper, 0o700);
  return wrapperPath;
}

/** main.ts next to this file, or main.js when running from a compiled build. */
export function standInEntry(): string {
  const source = fileURLToPath(new URL('./main.ts', import.meta.url));
  return existsSync(source) ? source : fileURLToPath(new URL('./main.js', import.meta.url));
}

/** Through an exclusive, unpredictable temp file that follows no symlink, then a rename (src/core/write-secret-file.ts). */
async function writeAtomically(path: string, text: string, mode: number): Promise<void> {
  await writeSecretFile(path, text, { mode, what: 'the sandbox file' });
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
