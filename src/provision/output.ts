import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { MODELS } from '../core/models.ts';
import { splitSmtpHost, type OutputFacts } from '../profiles/facts.ts';
import { renderOutput } from '../profiles/render.ts';
import { writeSecretFile } from '../core/write-secret-file.ts';
import type { Connection } from '../core/sign-in.ts';
import type { Profile } from '../profiles/profile.ts';
import type { Application } from '../graph/types.ts';
import type { MintedCertificate } from './certificate.ts';
import type { MintedSecret } from '../credentials/secret.ts';
import type { Desired, Observed } from './types.ts';

export interface OutputOptions {
  /** The profile output to render (`--format`). */
  format: string;
  /** `--out`: the full config, secret included, 0600 and atomic. */
  outPath: string;
  showSecret: boolean;
  siteUrl?: string;
  /** `--credential certificate`: where the PEM (private key + certificate) goes, 0600 and atomic. */
  certificateOut?: string;
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
  /** `--credential certificate`: where the PEM went; null when no certificate was minted. */
  certificateWrittenTo?: string | null;
}

/** The facts an output renders, from what the run found and made. */
export function outputFacts(input: {
  desired: Desired;
  connection: Connection;
  tenantId: string;
  application: Pick<Application, 'appId'>;
  minted?: MintedSecret;
  certificate?: { minted: MintedCertificate; path: string };
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
    keyId: input.minted?.credential.keyId ?? input.certificate?.minted.keyId,
    secretExpires: input.minted?.credential.endDateTime ?? input.certificate?.minted.endDateTime,
    certificatePath: input.certificate?.path,
    certificateThumbprint: input.certificate?.minted.thumbprint,
  };
}

/**
 * Deliver the config. The full text (with the secret) goes only to the --out file; stdout gets the
 * masked text unless --show-secret. Without a new secret an existing file is left as it is:
 * overwriting it with a mask would lose the secret it holds.
 *
 * A certificate's config names the PEM file instead of holding a secret. It is written first and
 * the PEM last, with `beforeWrite` around the PEM: the journal's sink is the file that holds the
 * private key, so "delivered" means both files are in place.
 */
export async function deliverOutput(
  request: { desired: Desired; profile: Profile; connection: Connection; output: OutputOptions },
  ctx: { observed?: Observed; application?: Application; minted?: MintedSecret; certificate?: MintedCertificate },
  hooks: { beforeWrite?: (sink: { path: string; sha256: string }) => Promise<void> } = {},
): Promise<DeliveredOutput> {
  const application = ctx.application ?? ctx.observed?.application;
  if (!application || !ctx.observed) throw new Error('config output needs the application');
  const pemPath = request.output.certificateOut;
  const certificate = ctx.certificate && pemPath ? { minted: ctx.certificate, path: pemPath } : undefined;
  const facts = outputFacts({
    desired: request.desired,
    connection: request.connection,
    tenantId: ctx.observed.organization.id,
    application,
    minted: ctx.minted,
    certificate,
    siteUrl: request.output.siteUrl,
  });
  if (request.desired.credential === 'certificate' && !certificate) {
    // A kept certificate: the PEM is wherever an earlier run put it, so there is no config to render.
    const exists = await access(request.output.outPath).then(
      () => true,
      () => false,
    );
    return { shown: '', fields: {}, writtenTo: null, kept: exists, certificateWrittenTo: null };
  }
  const masked = renderOutput(request.profile, request.output.format, facts, { showSecret: request.output.showSecret });
  if (!ctx.minted && !certificate) {
    const exists = await access(request.output.outPath).then(
      () => true,
      () => false,
    );
    return { shown: masked.text, fields: masked.fields, writtenTo: null, kept: exists };
  }
  const full = renderOutput(request.profile, request.output.format, facts, { showSecret: true });
  if (certificate) {
    await writeSecretFile(request.output.outPath, full.text);
    const pem = certificate.minted.pem.reveal();
    await hooks.beforeWrite?.({ path: certificate.path, sha256: sha256(pem) });
    await writeSecretFile(certificate.path, pem);
    return {
      shown: masked.text,
      fields: masked.fields,
      writtenTo: request.output.outPath,
      kept: false,
      certificateWrittenTo: certificate.path,
    };
  }
  await hooks.beforeWrite?.({ path: request.output.outPath, sha256: sha256(full.text) });
  await writeSecretFile(request.output.outPath, full.text);
  return { shown: masked.text, fields: masked.fields, writtenTo: request.output.outPath, kept: false };
}

/** Hex SHA-256 of a sink's content: lets the journal recognise a delivery that finished (a one-way digest, never the secret). */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
