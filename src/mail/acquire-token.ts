import type { TokenCredential } from '@azure/identity';
import type { Clock } from '../core/clock.ts';
import { isMicrosoftAuthorityHost } from '../core/cloud.ts';
import type { VerifyInput } from './types.ts';

export type TokenOutcome =
  | { ok: true; accessToken: string; attempts: number }
  | { ok: false; aadsts?: string; network?: string; attempts: number };

/** Codes worth another attempt: a secret still replicating, and Entra's transient errors (docs/token-endpoint.md#aadsts-codes). */
const RETRYABLE = new Set(['7000215', '90024', '90033', '90090']);
const FIRST_DELAY_MS = 2_000;
const MAX_DELAY_MS = 15_000;

/**
 * A credential that has just succeeded, kept for the next token request of the same app
 * (`confirmCredential`'s three in a row). Asked again with a claims request, which MSAL never
 * answers from its token cache, so each request still reaches the token endpoint
 * (docs/sdk-behaviour.md#token-cache); after a failure it is dropped.
 */
export interface CredentialSlot {
  credential?: TokenCredential;
}

/** Any non-empty claims request bypasses MSAL's token cache; this one asks for nothing unusual (as src/graph/client.ts). */
const UNCACHED_CLAIMS = JSON.stringify({ access_token: { nbf: { essential: true } } });

/**
 * A client-credentials token as the app for `scope`. A secret minted minutes ago answers
 * AADSTS7000215 until it has replicated, so that code is retried with backoff until
 * `secretPropagationDeadlineMs`. Each attempt after a failure builds a fresh credential: MSAL
 * remembers a failed request for 60 s and would answer from that cache without asking again
 * (docs/sdk-behaviour.md#throttle-cache). With a `slot`, a credential that succeeded is kept there
 * for the next call.
 */
export async function acquireAppToken(
  input: VerifyInput,
  scope: string,
  deps: { clock: Clock; log?: (line: string) => void },
  slot?: CredentialSlot,
): Promise<TokenOutcome> {
  const deadline = deps.clock.nowMs() + input.secretPropagationDeadlineMs;
  let delay = FIRST_DELAY_MS;
  for (let attempts = 1; ; attempts++) {
    try {
      const kept = slot?.credential;
      if (slot) slot.credential = undefined;
      const credential = kept ?? (await createCredential(input));
      const token = await credential.getToken(scope, kept ? { claims: UNCACHED_CLAIMS } : undefined);
      if (!token) return { ok: false, attempts };
      if (slot) slot.credential = credential;
      return { ok: true, accessToken: token.token, attempts };
    } catch (error) {
      const aadsts = readAadstsCode(error);
      if (!aadsts) {
        const network = readNetworkCode(error);
        return network ? { ok: false, network, attempts } : { ok: false, attempts };
      }
      const wait = Math.min(delay, deadline - deps.clock.nowMs());
      if (!RETRYABLE.has(aadsts) || wait <= 0) return { ok: false, aadsts, attempts };
      deps.log?.(
        `token: AADSTS${aadsts} for app ${input.clientId}; a new secret may still be replicating, retrying in ${Math.ceil(wait / 1000)} s`,
      );
      await deps.clock.sleep(wait);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}

async function createCredential(input: VerifyInput): Promise<TokenCredential> {
  const { ClientCertificateCredential, ClientSecretCredential } = await import('@azure/identity');
  const { sharedHttpClient } = await import('../graph/http.ts');
  const authorityHost = input.endpoints.authorityHost;
  // A non-Microsoft authority (the sandbox) has no instance metadata to discover (docs/sdk-behaviour.md#azureidentity-and-msal-node).
  const options = {
    authorityHost,
    httpClient: sharedHttpClient(),
    ...(isMicrosoftAuthorityHost(authorityHost) ? {} : { disableInstanceDiscovery: true }),
  };
  const credential = input.credential;
  if (credential.kind === 'secret') return new ClientSecretCredential(input.tenantId, input.clientId, credential.secret.reveal(), options);
  const certificate = `${credential.certificatePem.trim()}\n${credential.privateKeyPem.reveal().trim()}\n`;
  return new ClientCertificateCredential(input.tenantId, input.clientId, { certificate }, options);
}

/** The AADSTS number from an @azure/identity / MSAL error, never the rest of its text. */
export function readAadstsCode(error: unknown): string | undefined {
  const texts: string[] = [];
  if (error instanceof Error) texts.push(error.message);
  const response = (error as { errorResponse?: { errorDescription?: string; error_codes?: number[] } } | undefined)?.errorResponse;
  if (response?.errorDescription) texts.push(response.errorDescription);
  for (const text of texts) {
    const match = /AADSTS(\d+)/.exec(text);
    if (match?.[1]) return match[1];
  }
  return undefined;
}

function readNetworkCode(error: unknown): string | undefined {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return /\b(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|CERT_[A-Z_]+|UNABLE_TO_[A-Z_]+|SELF_SIGNED_CERT_IN_CHAIN|endpoints_resolution_error)\b/.exec(
    text,
  )?.[1];
}
