/**
 * Microsoft's host names the sandbox answers for when a client reaches it through
 * `entra-mail sandbox --proxy-port` (docs/sandbox-fidelity.md#microsofts-host-names): the
 * sign-in service, Graph and Exchange Online. Nothing else is ever served or forwarded.
 */
export const PUBLIC_HOSTS = ['login.microsoftonline.com', 'graph.microsoft.com', 'outlook.office365.com'] as const;

/** The origin a client used: Microsoft's (through the proxy) or the sandbox's own loopback one. */
export function publicOrigin(hostHeader: string | undefined, sandboxOrigin: string): string {
  const host = (hostHeader ?? '').toLowerCase().replace(/:443$/, '');
  return (PUBLIC_HOSTS as readonly string[]).includes(host) ? `https://${host}` : sandboxOrigin;
}

/**
 * The route path for a Graph URL: `/v1.0/myorganization/…` is `/v1.0/…` (the tenant comes from
 * the token), and `/beta/…` is served by the v1.0 routes where the shapes agree.
 */
export function routePath(path: string): { path: string; apiVersion: 'v1.0' | 'beta' | undefined } {
  const match = /^\/(v1\.0|beta)(\/myorganization)?(\/.*)?$/i.exec(path);
  if (!match) return { path, apiVersion: undefined };
  const apiVersion = match[1]?.toLowerCase() === 'beta' ? 'beta' : 'v1.0';
  return { path: `/v1.0${match[3] ?? ''}`, apiVersion };
}
