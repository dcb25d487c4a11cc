/**
 * Behind a corporate proxy (docs/local-safety.md#behind-a-proxy): `HTTPS_PROXY` / `NO_PROXY` must
 * hold for every HTTPS request. The Azure SDKs (@azure/identity's token requests, Key Vault) read
 * them in their own HTTP pipeline, and Graph requests go through one (src/graph/http.ts); the
 * Exchange admin API client uses Node's `fetch`, which ignores them unless Node's built-in proxy
 * support is on. `http.setGlobalProxyFromEnv` (Node ≥ 24.14, 25.4) turns it on
 * for `fetch` and the `https` module from the given environment
 * (https://nodejs.org/api/http.html#httpsetglobalproxyfromenvproxyenv). Called once, by main.ts,
 * before any request.
 */
export type ProxySetup = 'none' | 'enabled' | 'unsupported';

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

export function configureProxy(env: NodeJS.ProcessEnv): ProxySetup {
  if (!PROXY_VARIABLES.some((name) => env[name])) return 'none';
  // Looked up only when a proxy is set: a static `import … from 'node:http'` makes Node evaluate the module's lazy
  // exports, loading its bundled fetch implementation (~45 ms) at every start-up (docs/performance.md#start-up).
  const http = process.getBuiltinModule('node:http');
  const setGlobalProxyFromEnv = (http as { setGlobalProxyFromEnv?: (env: NodeJS.ProcessEnv) => unknown }).setGlobalProxyFromEnv;
  if (typeof setGlobalProxyFromEnv !== 'function') return 'unsupported';
  setGlobalProxyFromEnv(env);
  return 'enabled';
}

/** What main.ts prints when this Node cannot route `fetch` through the proxy by itself. */
export const PROXY_UNSUPPORTED_NOTE =
  'entra-mail: HTTPS_PROXY is set, but this Node.js cannot apply it to Exchange admin API requests by itself (http.setGlobalProxyFromEnv needs Node 24.14 or later); ' +
  'start it with NODE_USE_ENV_PROXY=1 (Node 22.21 or later), or upgrade Node.\n';

/**
 * The proxy the Azure SDK's pipeline sends HTTPS requests through (its `proxyPolicy` reads HTTPS_PROXY, then
 * ALL_PROXY, then HTTP_PROXY, each in upper case, else lower case, from the process's environment; Graph requests
 * go through the same pipeline, src/graph/http.ts), named for a message: the variable and the URL without any user
 * name or password in it. Undefined without one.
 */
export function describeProxy(env: NodeJS.ProcessEnv): string | undefined {
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'HTTP_PROXY', 'http_proxy']) {
    const value = env[name];
    if (!value) continue;
    try {
      const url = new URL(value);
      return `${name}=${url.protocol}//${url.host}`;
    } catch {
      return name;
    }
  }
  return undefined;
}
