import { paletteFor } from '../core/style.ts';
import { readFile } from 'node:fs/promises';
import type { CommandModule } from 'yargs';
import type { Deps } from '../core/deps.ts';
import { UsageError } from '../core/errors.ts';
import { MODEL_NAMES, isModelName } from '../core/models.ts';
import { Secret } from '../core/secret.ts';
import { resolveConnection, trustCaFile, withTenantOptions, type TenantArgs } from './shared/connection.ts';
import type { CommandState } from './shared/command-state.ts';
import { formatVerifyReport } from './shared/verify-report.ts';
import { readConfigDefaults } from './shared/secret-file.ts';
import { readSecretInput, type SecretInputArgs } from './shared/secret-input.ts';
import { validateGuid, validateMailbox } from '../core/validate.ts';

interface VerifyArgs extends TenantArgs, SecretInputArgs {
  clientId?: string;
  model?: string;
  mailbox?: string;
  to?: string;
  from?: string;
  certificate?: string;
  privateKey?: string;
  send?: boolean;
}

/** `entra-mail verify`: token as the app, its claims, a real test message, and the reason when it fails. */
export function verifyCommand(deps: Deps, state: CommandState): CommandModule<object, VerifyArgs> {
  return {
    command: 'verify',
    describe: 'Sign in as the app, check its token, send a test mail over SMTP XOAUTH2 or Graph, and explain any failure',
    builder: (y) =>
      withTenantOptions(y)
        .option('client-id', { type: 'string', describe: 'The app (client) id' })
        .option('model', {
          type: 'string',
          choices: MODEL_NAMES as unknown as string[],
          default: 'smtp',
          describe: 'Authorization model to check against',
        })
        .option('mailbox', { type: 'string', describe: 'Sending mailbox' })
        .option('to', { type: 'string', describe: 'Recipient of the test message (default: the mailbox itself)' })
        .option('from', { type: 'string', describe: 'From address when it differs from the mailbox (needs Send As)' })
        .option('secret-env', {
          type: 'string',
          describe: 'Environment variable holding the app secret (default ENTRA_MAIL_CLIENT_SECRET)',
        })
        .option('secret-file', {
          type: 'string',
          describe:
            'File with the app secret: the secret alone, or a config file entra-mail wrote (KEY=value; comments skipped), which also gives --client-id, --tenant and --mailbox',
        })
        .option('secret-stdin', { type: 'boolean', describe: 'Read the app secret from stdin' })
        .option('certificate', { type: 'string', describe: 'Certificate PEM (instead of a secret)' })
        .option('private-key', { type: 'string', describe: 'Private key PEM file for --certificate' })
        .option('send', { type: 'boolean', default: true, describe: 'Send the test message (--no-send checks the token only)' }) as never,
    handler: async (given) => {
      state.json = Boolean(given.json);
      // A config file entra-mail wrote also names the app, its tenant and its mailbox: flags win.
      const fromFile = given.secretFile !== undefined ? readConfigDefaults(await readFile(given.secretFile, 'utf8').catch(() => '')) : {};
      const args = {
        ...given,
        tenant: given.tenant ?? fromFile.tenantId,
        clientId: given.clientId ?? fromFile.clientId,
        mailbox: given.mailbox ?? fromFile.mailbox,
      };
      const connection = resolveConnection({ ...args, auth: args.auth ?? 'env' }, deps);
      if (args.model !== undefined && !isModelName(args.model))
        throw new UsageError(`--model: '${args.model}' is not a model.`, { flag: '--model' });
      const clientId = validateGuid(args.clientId, '--client-id');
      const mailbox = validateMailbox(args.mailbox, '--mailbox');
      const to = args.to !== undefined ? validateMailbox(args.to, '--to') : mailbox;
      const from = args.from !== undefined ? validateMailbox(args.from, '--from') : undefined;
      const credential =
        args.certificate !== undefined
          ? await readCertificate(args)
          : { kind: 'secret' as const, secret: await readSecretInput(args, deps) };
      await trustCaFile(args.caFile);
      const { verifyApp } = await import('../mail/verify.ts');
      const report = await verifyApp(
        {
          model: (args.model ?? 'smtp') as never,
          tenantId: connection.tenant,
          clientId,
          credential,
          mailbox,
          to,
          from,
          endpoints: connection.endpoints,
          graphScope: connection.graphScope,
          sendTestMessage: args.send !== false,
          // A secret given to verify is usually not minutes old: a wrong one fails at the first
          // answer instead of being retried for two minutes as a replicating one would be.
          secretPropagationDeadlineMs: 0,
        },
        { clock: deps.clock, log: args.verbose ? (line) => deps.stderr.write(`  ${line}\n`) : undefined },
      );
      deps.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatVerifyReport(report, paletteFor(deps.stdout, deps.env)));
      state.exitCode = report.exitCode;
    },
  };
}

async function readCertificate(args: VerifyArgs): Promise<{ kind: 'certificate'; certificatePem: string; privateKeyPem: Secret }> {
  if (!args.privateKey) throw new UsageError('--certificate needs --private-key (a PEM file).', { flag: '--private-key' });
  const read = async (path: string, flag: string) => {
    try {
      return await readFile(path, 'utf8');
    } catch {
      throw new UsageError(`${flag}: cannot read '${path}'.`, { flag });
    }
  };
  return {
    kind: 'certificate',
    certificatePem: await read(args.certificate as string, '--certificate'),
    privateKeyPem: new Secret(await read(args.privateKey, '--private-key')),
  };
}
