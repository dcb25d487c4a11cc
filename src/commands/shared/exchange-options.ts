import { constants, promises as fs } from 'node:fs';
import type { Argv } from 'yargs';
import type { ExchangeConnectOptions } from '../../exchange/script.ts';
import type { ExchangeMode, ExchangeOptions } from '../../provision/exchange.ts';
import { VERSION } from '../../core/version.ts';
import type { Connection } from '../../core/sign-in.ts';
import { UsageError } from '../../core/errors.ts';
import { requireText, validateGuid } from '../../core/validate.ts';
import { initialDomain } from '../../graph/organization.ts';
import type { Organization } from '../../graph/types.ts';

export interface ExchangeConnectArgs {
  exchangeAuth?: string;
  exchangeAppId?: string;
  exchangeCertificate?: string;
  pwsh?: string;
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
    .option('pwsh', { type: 'string', describe: 'PowerShell 7 executable [env: ENTRA_MAIL_PWSH]' }) as Argv<T & ExchangeConnectArgs>;
}

/** How the generated script signs in to Exchange Online (exchange-and-smtp.md §1.2). */
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
    // The admin app's client id goes into Connect-ExchangeOnline -AppId: a GUID, checked before sign-in.
    appId: validateGuid(args.exchangeAppId, '--exchange-app-id'),
    certificatePath: requireText(args.exchangeCertificate, '--exchange-certificate'),
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
  };
}

/**
 * `--exchange run` with certificate sign-in reads the .pfx here: checked before sign-in, so a
 * missing file stops the run before anything is changed rather than at its last step.
 */
export async function checkExchangeFiles(options: ExchangeOptions): Promise<void> {
  if (options.mode !== 'run' || options.connect.mode !== 'certificate') return;
  const path = options.connect.certificatePath ?? '';
  const stat = await fs.stat(path).catch(() => undefined);
  if (
    !stat?.isFile() ||
    !(await fs.access(path, constants.R_OK).then(
      () => true,
      () => false,
    ))
  ) {
    throw new UsageError(`--exchange-certificate: cannot read the file '${path}'.`, { flag: '--exchange-certificate' });
  }
}
