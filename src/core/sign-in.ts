import type { CloudEndpoints, CloudName } from './cloud.ts';

/** How the admin signs in, and where: the vocabulary shared by the flags, the credential factory and the steps. */
export const AUTH_MODES = ['browser', 'device-code', 'azure-cli', 'env', 'managed-identity', 'workload-identity'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export interface AdminSignIn {
  mode: AuthMode;
  tenant: string;
  authorityHost: string;
  env: NodeJS.ProcessEnv;
  /** Where the device code prompt goes (stderr): never stdout, which carries data. */
  prompt: (message: string) => void;
  /** Public client id for browser / device-code sign-in (default: @azure/identity's own). */
  clientId?: string;
  /** --verbose: one line per HTTP exchange with the token endpoint (method, URL, status, request-id). */
  trail?: (line: string) => void;
  /**
   * device-code / browser: remember the sign-in between commands (src/auth/token-cache.ts): the
   * cache directory and, when one was saved, the serialized AuthenticationRecord of the account.
   */
  tokenCache?: { directory: string; record?: string };
  /** Aborted when the command has ended (Deps.ended): the SDK's retries of a failed sign-in stop with it. */
  ended?: AbortSignal;
}

/** The resolved connection flags (src/commands/shared/connection.ts builds it; exit 2 before anything is sent). */
export interface Connection {
  tenant: string;
  cloud: CloudName;
  endpoints: CloudEndpoints;
  authMode: AuthMode;
  /** The Graph token scope: always the cloud's Graph resource, even when the endpoint is overridden. */
  graphScope: string;
}
