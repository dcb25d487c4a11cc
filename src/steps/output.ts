import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { MODELS } from '../models.ts';
import { splitSmtpHost, type OutputFacts } from '../outputs/facts.ts';
import { renderOutput } from '../outputs/render.ts';
import { writeSecretFile } from '../outputs/write-secret-file.ts';
import type { Connection } from '../cli/connection.ts';
import type { Profile } from '../profiles/profile.ts';
import type { Application } from '../graph/types.ts';
import type { MintedSecret } from './secret.ts';
import type { Desired, Observed } from './types.ts';

export interface OutputOptions {
  /** The profile output to render (`--format`). */
  format: string;
  /** `--out`: the full config, secret included, 0600 and atomic. */
  outPath: string;
  showSecret: boolean;
  siteUrl?: string;
}

export interface DeliveredOutput {
  /** The config as shown on stdout: the secret masked unless --show-secret. */
  shown: string;
  /** The product's form fields for --json `config`, masked likewise. */
  fields: Record<string, string>;
  /** Where the full config went; null when no new secret was minted and the file was left alone. */
  writtenTo: string | null;
  /** True when an existing file was kept because this run has no new secret to put in it. */
  kept: boolean;
}

/** The facts an output renders, from what the run found and made. */
export function outputFacts(input: {
  desired: Desired;
  connection: Connection;
  tenantId: string;
  application: Pick<Application, 'appId'>;
  minted?: MintedSecret;
  siteUrl?: string;
}): OutputFacts {
  const { desired, connection } = input;
  const { smtpHost, smtpPort } = splitSmtpHost(connection.endpoints.smtpHost);
  const model = MODELS[desired.model];
  const scope =
    model.tokenResource === 'exchange'
      ? `${connection.endpoints.exchangeResource}/.default`
      : model.tokenResource === 'graph'
        ? connection.graphScope
        : `${connection.endpoints.exchangeResource.replace('office365', 'office')}/SMTP.Send offline_access`;
  return {
    tenantId: input.tenantId,
    clientId: input.application.appId,
    clientSecret: input.minted?.secret,
    mailbox: desired.mailboxes[0] ?? '',
    senderName: desired.senderName,
    smtpHost,
    smtpPort,
    tokenEndpoint: `${connection.endpoints.authorityHost}/${input.tenantId}/oauth2/v2.0/token`,
    scope,
    siteUrl: input.siteUrl,
    keyId: input.minted?.credential.keyId,
    secretExpires: input.minted?.credential.endDateTime,
  };
}

/**
 * Deliver the config. The full text (with the secret) goes only to the --out file; stdout gets the
 * masked text unless --show-secret. Without a new secret an existing file is left as it is:
 * overwriting it with a mask would lose the secret it holds.
 */
export async function deliverOutput(
  request: { desired: Desired; profile: Profile; connection: Connection; output: OutputOptions },
  ctx: { observed?: Observed; application?: Application; minted?: MintedSecret },
  hooks: { beforeWrite?: (sink: { path: string; sha256: string }) => Promise<void> } = {},
): Promise<DeliveredOutput> {
  const application = ctx.application ?? ctx.observed?.application;
  if (!application || !ctx.observed) throw new Error('config output needs the application');
  const facts = outputFacts({ desired: request.desired, connection: request.connection, tenantId: ctx.observed.organization.id, application, minted: ctx.minted, siteUrl: request.output.siteUrl });
  const masked = renderOutput(request.profile, request.output.format, facts, { showSecret: request.output.showSecret });
  if (!ctx.minted) {
    const exists = await access(request.output.outPath).then(() => true, () => false);
    return { shown: masked.text, fields: masked.fields, writtenTo: null, kept: exists };
  }
  const full = renderOutput(request.profile, request.output.format, facts, { showSecret: true });
  await hooks.beforeWrite?.({ path: request.output.outPath, sha256: sha256(full.text) });
  await writeSecretFile(request.output.outPath, full.text);
  return { shown: masked.text, fields: masked.fields, writtenTo: request.output.outPath, kept: false };
}

/** Hex SHA-256 of a sink's content: lets the journal recognise a delivery that finished (a one-way digest, never the secret). */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
