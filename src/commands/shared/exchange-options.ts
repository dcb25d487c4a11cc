import type { Argv } from 'yargs';
import type { ExchangeConnectOptions } from '../../exchange/script.ts';
import type { ExchangeMode, ExchangeOptions } from '../../provision/exchange.ts';
import { VERSION } from '../../core/version.ts';
import type { Connection } from '../../core/sign-in.ts';
import { UsageError } from '../../core/errors.ts';
import { initialDomain } from '../../graph/organization.ts';
import type { Organization } from '../../graph/types.ts';

export interface ExchangeConnectArgs {
  exchangeAuth?: string;
  exchangeAppId?: string;
  exchangeCertificate?: string;
  pwsh?: string;
  exchangeEndpoint?: string;
  exchangeTimeout?: string;
}

/** `--exchange-timeout`: how long pwsh may run, sign-in included. */
export const EXCHANGE_TIMEOUT_OPTION = {
  type: 'string',
  default: '15m',
  describe: 'Stop the Exchange script (sign-in included) after this long, e.g. 15m, 90s (exit 6)',
} as const;

/** `15m`, `90s`, `1h` (a bare number is seconds) → milliseconds; UsageError naming the flag. */
export function parseExchangeTimeout(value: string | undefined): number {
  const match = /^(\d+)\s*(s|m|h)?$/i.exec((value ?? '15m').trim());
  const amount = Number(match?.[1] ?? Number.NaN);
  if (!match || !(amount > 0)) {
    throw new UsageError(`--exchange-timeout: '${value}' is not a duration such as 15m or 90s.`, { flag: '--exchange-timeout' });
  }
  return amount * { s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's').toLowerCase() as 's' | 'm' | 'h'];
}

export function withExchangeConnectOptions<T>(yargs: Argv<T>): Argv<T & ExchangeConnectArgs> {
  return yargs
    .option('exchange-auth', {
      type: 'string',
      choices: ['interactive', 'device', 'certificate'],
      default: 'device',
      describe: 'How the Exchange session signs in',
    })
    .option('exchange-app-id', { type: 'string', describe: 'certificate sign-in: the admin app id' })
    .option('exchange-certificate', { type: 'string', describe: 'certificate sign-in: a .pfx file' })
    .option('pwsh', { type: 'string', describe: 'PowerShell 7 executable [env: ENTRA_MAIL_PWSH]' })
    .option('exchange-endpoint', {
      type: 'string',
      describe: "--exchange api: the admin endpoint's origin (default: the cloud's Exchange host) [env: ENTRA_MAIL_EXCHANGE_ENDPOINT]",
    })

    .option('exchange-timeout', EXCHANGE_TIMEOUT_OPTION) as Argv<T & ExchangeConnectArgs>;
}

/** App-only (certificate) Exchange sign-in needs the tenant's initial domain, so the tenant must be read. */
export function needsTenantDomains(args: ExchangeConnectArgs & { exchange?: string }): boolean {
  return (args.exchangeAuth ?? 'device') === 'certificate' && args.exchange !== 'skip';
}

/** How the generated script signs in to Exchange Online (docs/exchange-powershell.md#connecting). */
export function parseExchangeConnect(args: ExchangeConnectArgs, organization?: Organization): ExchangeConnectOptions {
  const mode = (args.exchangeAuth ?? 'device') as ExchangeConnectOptions['mode'];
  if (!['interactive', 'device', 'certificate'].includes(mode))
    throw new UsageError(`--exchange-auth: '${mode}' is not interactive, device or certificate.`, { flag: '--exchange-auth' });
  if (mode !== 'certificate') return { mode };
  if (!args.exchangeAppId || !args.exchangeCertificate) {
    throw new UsageError('--exchange-auth certificate needs --exchange-app-id and --exchange-certificate (a .pfx file).', {
      flag: '--exchange-auth',
    });
  }
  return {
    mode,
    appId: args.exchangeAppId,
    certificatePath: args.exchangeCertificate,
    organization: organization ? initialDomain(organization) : undefined,
  };
}

/**
 * The Exchange step's options, the same way for provision, exchange-script and deprovision.
 * Without `organization` a certificate sign-in's tenant domain is filled in once the tenant is read.
 */
export function buildExchangeOptions(
  args: ExchangeConnectArgs,
  input: {
    mode: ExchangeMode;
    scriptPath: string;
    connection: Connection;
    env: NodeJS.ProcessEnv;
    sendAs: string[];
    enableSmtpAuth: boolean;
    organization?: Organization;
    /** stdin is a terminal: pwsh may read it (interactive sign-in). */
    interactive?: boolean;
  },
): ExchangeOptions {
  return {
    mode: input.mode,
    scriptPath: input.scriptPath,
    pwshPath: args.pwsh ?? input.env.ENTRA_MAIL_PWSH ?? 'pwsh',
    connect: parseExchangeConnect(args, input.organization),
    exchangeEnvironmentName: input.connection.endpoints.exchangeEnvironmentName,
    sendAsIdentities: input.sendAs,
    enableSmtpAuth: input.enableSmtpAuth,
    generatedBy: `entra-mail ${VERSION}`,
    timeoutMs: parseExchangeTimeout(args.exchangeTimeout),
    interactive: input.interactive ?? false,
  };
}
