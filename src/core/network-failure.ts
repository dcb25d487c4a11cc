/**
 * What went wrong on the wire, read from the error codes Node sets (never from message text):
 * TLS verification codes come from OpenSSL through node:tls, the others are system errors
 * (https://nodejs.org/api/errors.html#common-system-errors, https://nodejs.org/api/tls.html).
 * fetch (undici) wraps them as `TypeError('fetch failed', { cause })`, MSAL and the Graph SDK
 * wrap them again; the code is found by walking `cause`.
 */
export type NetworkFailureKind = 'tls-untrusted' | 'tls-name' | 'tls-expired' | 'dns' | 'refused' | 'timeout' | 'reset';

export interface NetworkFailure {
  kind: NetworkFailureKind;
  /** The code as Node gave it, e.g. SELF_SIGNED_CERT_IN_CHAIN or ECONNREFUSED. */
  code: string;
}

const KINDS: Record<string, NetworkFailureKind> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'tls-untrusted',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls-untrusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls-untrusted',
  UNABLE_TO_GET_ISSUER_CERT: 'tls-untrusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls-untrusted',
  CERT_UNTRUSTED: 'tls-untrusted',
  CERT_SIGNATURE_FAILURE: 'tls-untrusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls-name',
  CERT_HAS_EXPIRED: 'tls-expired',
  CERT_NOT_YET_VALID: 'tls-expired',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  ECONNREFUSED: 'refused',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
};

/** The first known network code along the `cause` chain (and AggregateError members), if any. */
export function classifyNetworkFailure(error: unknown): NetworkFailure | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (!current || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && KINDS[code]) return { kind: KINDS[code], code };
    queue.push((current as { cause?: unknown }).cause);
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return undefined;
}

/** TLS trust and name problems do not go away by asking again; DNS and connection failures may. */
export function isPermanentNetworkFailure(failure: NetworkFailure | undefined): boolean {
  return failure?.kind.startsWith('tls-') === true;
}

/**
 * Nothing listens at the address (ECONNREFUSED), or the name does not exist (ENOTFOUND; EAI_AGAIN, a
 * resolver that could not answer now, is not one): asking again soon gets the same answer, unless the
 * address worked a moment ago.
 */
export function isWrongAddress(failure: NetworkFailure | undefined): boolean {
  return failure?.kind === 'refused' || failure?.code === 'ENOTFOUND';
}

/**
 * What happened and what to do, for `host` (e.g. "login.microsoftonline.com" or "127.0.0.1:8443"). With a proxy
 * configured (`proxy`, src/core/proxy.ts describeProxy) the connection that failed may have been the proxy's: every
 * connection goes to it unless NO_PROXY names the host, so a refused, unresolved or silent one points there first.
 */
export function describeNetworkFailure(failure: NetworkFailure, host: string, proxy?: string): { message: string; suggestion: string } {
  const described = describeDirect(failure, host);
  if (!proxy || !(failure.kind === 'refused' || failure.kind === 'dns' || failure.kind === 'timeout')) return described;
  return {
    message: `${described.message}; the connection goes through the proxy ${proxy} unless NO_PROXY names the host`,
    suggestion: `Check the proxy first: its address and port in ${proxy.split('=')[0]}, and that it is running (NO_PROXY lists hosts that bypass it). ${described.suggestion}`,
  };
}

function describeDirect(failure: NetworkFailure, host: string): { message: string; suggestion: string } {
  switch (failure.kind) {
    case 'tls-untrusted':
      return {
        message: `the TLS certificate of ${host} is not trusted by this machine (${failure.code})`,
        suggestion:
          "Trust the issuing CA: pass --ca-file <PEM> (or set NODE_EXTRA_CA_CERTS=<PEM> before starting entra-mail), e.g. the root CA of a TLS-inspecting proxy or the sandbox's ca.pem.",
      };
    case 'tls-name':
      return {
        message: `the TLS certificate of ${host} is for another host name (${failure.code})`,
        suggestion: 'Check --authority-host / --graph-endpoint: the host must match the name in its certificate.',
      };
    case 'tls-expired':
      return {
        message: `the TLS certificate of ${host} is expired or not yet valid (${failure.code})`,
        suggestion: "Check this machine's clock; if it is right, the endpoint's certificate needs renewing.",
      };
    case 'dns':
      return {
        message: `the host name ${host} could not be resolved (${failure.code})`,
        suggestion: 'Check the host name (--authority-host, --graph-endpoint, --cloud), the DNS settings and the network connection.',
      };
    case 'refused':
      return {
        message: `nothing accepted the connection to ${host} (${failure.code})`,
        suggestion:
          'Check the address and port (--authority-host, --graph-endpoint); for the sandbox, check that `entra-mail sandbox` is still running.',
      };
    case 'timeout':
    case 'reset':
      return {
        message: `the connection to ${host} failed (${failure.code})`,
        suggestion: 'Check the network path (proxy, firewall) and run the same command again.',
      };
  }
}
