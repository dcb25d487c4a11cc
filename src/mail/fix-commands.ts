import type { ModelName } from '../core/models.ts';
import type { FailureContext } from './types.ts';

/**
 * The commands `verify` prints as fixes, built from what it knows about the app: the tenant, the
 * client id, the model and the mailbox. `provision --app <client id>` and `exchange-script --app`
 * take the rest (unique name, name, profile, recorded mailboxes) from the app itself, so a fix never
 * creates a second app or drops the profile. Each is run as printed by a test
 * (test/mail/fix-commands.test.ts).
 */
export interface FixCommands {
  /** Grants and consents what the model needs, on this app. */
  provision: string;
  /** The same, with a new client secret. */
  newSecret: string;
  /** Writes and runs the Exchange step for this app. */
  exchange: string;
  /** Checks again. */
  verify: string;
}

export function fixCommands(context: Pick<FailureContext, 'tenantId' | 'clientId' | 'mailbox'>, model: ModelName): FixCommands {
  const tenant = `--tenant ${shellWord(context.tenantId)}`;
  const app = `--app ${shellWord(context.clientId)}`;
  const mailbox = `--mailbox ${shellWord(context.mailbox)}`;
  const provision = `entra-mail provision ${tenant} ${app} ${mailbox}`;
  return {
    provision,
    newSecret: `${provision} --new-secret`,
    exchange: `entra-mail exchange-script ${tenant} ${app} --model ${model} ${mailbox} --run`,
    verify: `entra-mail verify ${tenant} --client-id ${shellWord(context.clientId)} --model ${model} ${mailbox}`,
  };
}

/** A word a POSIX shell reads back unchanged: as is when plain, else single-quoted. */
export function shellWord(value: string): string {
  if (/^[A-Za-z0-9@%+=:,./_-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", "'\\''")}'`;
}
