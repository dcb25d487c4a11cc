import type { TokenCredential } from '@azure/identity';
import type { Deps } from '../../core/deps.ts';
import { describeProxy } from '../../core/proxy.ts';
import { GraphGateway } from '../../graph/gateway.ts';
import type { Connection } from '../../core/sign-in.ts';
import type { TenantArgs } from './connection.ts';
import { startSignIn } from './admin-sign-in.ts';
import { trustCaFile } from './connection.ts';

/**
 * Sign in (before any task list), then build the Graph gateway. Retries are reported on stderr
 * with --verbose; nothing here ever prints a token.
 */
export async function openGraphSession(
  connection: Connection,
  args: TenantArgs,
  deps: Deps,
  options: {
    preload?: () => Promise<unknown>[];
    /**
     * How many Graph requests the command sends side by side right after sign-in: that many
     * connections to Graph open while the token request travels (src/graph/http.ts `preconnect`).
     */
    graphConnections?: number;
  } = {},
): Promise<{ graph: GraphGateway; token: string; credential: TokenCredential }> {
  await trustCaFile(args.caFile);
  const trail = args.verbose ? (line: string) => deps.stderr.write(`  http: ${line}\n`) : undefined;
  const started = await startSignIn(connection, deps, {
    trail,
    tokenCache: args.tokenCache,
    ...(options.graphConnections ? { graphConnections: options.graphConnections } : {}),
  });
  // The Graph SDK, and what the command names, load while the token request is in flight: only
  // commands that talk to Graph load them (docs/performance.md#provision).
  const client = import('../../graph/client.ts');
  for (const loading of [client, ...(options.preload?.() ?? [])]) loading.catch(() => undefined);
  const token = await started.token;
  const credential = started.credential;
  const { createGraphTransport } = await client;
  const transport = createGraphTransport({
    credential,
    graphEndpoint: connection.endpoints.graphEndpoint,
    scope: connection.graphScope,
    ...(trail ? { trail } : {}),
    ...(deps.ended ? { signal: deps.ended } : {}),
  });
  const proxy = describeProxy(deps.env);
  const graph = new GraphGateway(transport, {
    clock: deps.clock,
    stepDeadlineMs: deps.stepDeadlineMs ?? 300_000,
    random: deps.random,
    ...(deps.ended ? { signal: deps.ended } : {}),
    host: new URL(connection.endpoints.graphEndpoint).host,
    ...(proxy ? { proxy } : {}),
    onRetry: args.verbose
      ? (info) => deps.stderr.write(`  retry ${info.step} (${info.object}): ${info.reason}; waiting ${Math.round(info.delayMs)} ms\n`)
      : undefined,
  });
  return { graph, token, credential };
}
