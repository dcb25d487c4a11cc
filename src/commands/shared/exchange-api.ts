import type { TokenCredential } from '@azure/identity';
import type { Deps } from '../../core/deps.ts';
import { AuthError } from '../../core/errors.ts';
import type { Connection } from '../../core/sign-in.ts';
import { validateHttpsUrl } from '../../core/validate.ts';
import type { ExchangeApiAccess, ExchangeOptions } from '../../provision/exchange.ts';

/**
 * `--exchange-endpoint` [env: ENTRA_MAIL_EXCHANGE_ENDPOINT]: the admin endpoint's origin for
 * `--exchange api`, by default the cloud's Exchange host (https://outlook.office365.com for the
 * global cloud). Validated with the other flags, before anything is sent.
 */
export function resolveExchangeEndpoint(value: string | undefined, connection: Connection, env: NodeJS.ProcessEnv): string {
  const given = value ?? env.ENTRA_MAIL_EXCHANGE_ENDPOINT;
  return given === undefined || given === '' ? connection.endpoints.exchangeResource : validateHttpsUrl(given, '--exchange-endpoint');
}

/**
 * After sign-in: the same admin credential asks for an Exchange token
 * (`<exchange resource>/.default`), so one sign-in covers Graph and Exchange where the identity
 * platform allows it (an app with Exchange.ManageAsApp; a delegated client the tenant lets reach
 * Exchange). Returns the options with `api` set; other modes are returned unchanged.
 */
export function withExchangeApi(
  options: ExchangeOptions,
  input: { credential: TokenCredential; connection: Connection; endpoint: string; verbose: boolean; deps: Deps },
): ExchangeOptions {
  if (options.mode !== 'api') return options;
  const { credential, connection, deps } = input;
  const scope = `${connection.endpoints.exchangeResource}/.default`;
  const access: ExchangeApiAccess = {
    endpoint: input.endpoint,
    deadlineMs: deps.stepDeadlineMs ?? 300_000,
    getToken: async () => {
      try {
        const token = await credential.getToken(scope);
        if (token) return token.token;
      } catch (error) {
        throw new AuthError(`Sign-in to Exchange Online (${scope}) failed: ${String((error as Error)?.message ?? error).split('\n')[0]}`, {
          step: 'exchange',
          object: `tenant ${connection.tenant}`,
          suggestion:
            'An app-only admin needs the Exchange.ManageAsApp permission (consented) and the Exchange Administrator role; a delegated admin needs an Exchange Administrator role. Or use --exchange run / script.',
        });
      }
      throw new AuthError(`Sign-in to Exchange Online (${scope}) returned no token.`, { step: 'exchange' });
    },
    ...(input.verbose ? { onRequest: (line: string) => deps.stderr.write(`  exchange: ${line}\n`) } : {}),
  };
  return { ...options, api: access };
}
