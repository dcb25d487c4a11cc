import { readFile } from 'node:fs/promises';

/** Environment variable the stand-in's wrapper sets to the session file's path (never the token itself). */
export const SESSION_ENV = 'ENTRA_MAIL_PWSH_SESSION';

/**
 * What the stand-in needs to reach the sandbox's Exchange: written 0600 by writePwshStandIn, read
 * by the stand-in. The token is an Exchange-audience admin token the sandbox signed.
 */
export interface PwshSession {
  /** Sandbox origin, e.g. https://127.0.0.1:8443 */
  endpoint: string;
  tenantId: string;
  /** Bearer token for https://outlook.office365.com (12 h). */
  token: string;
  /** The admin the token stands for (shown by Connect-ExchangeOnline). */
  userPrincipalName: string;
  /** PEM file of the sandbox CA, trusted in-process. */
  caPath?: string;
  /** Start-Sleep scale: milliseconds actually slept per second asked for (default 10). */
  sleepMsPerSecond?: number;
}

/** Reads and checks the session file. */
export async function readPwshSession(path: string): Promise<PwshSession> {
  const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<PwshSession>;
  if (typeof parsed.endpoint !== 'string' || typeof parsed.tenantId !== 'string' || typeof parsed.token !== 'string') {
    throw new Error(`session file ${path} lacks endpoint, tenantId or token`);
  }
  return {
    endpoint: parsed.endpoint,
    tenantId: parsed.tenantId,
    token: parsed.token,
    userPrincipalName: parsed.userPrincipalName ?? 'admin',
    ...(parsed.caPath === undefined ? {} : { caPath: parsed.caPath }),
    ...(parsed.sleepMsPerSecond === undefined ? {} : { sleepMsPerSecond: parsed.sleepMsPerSecond }),
  };
}
