import type { CloudEndpoints } from '../core/cloud.ts';
import { MODELS } from '../core/models.ts';
import { splitSmtpHost, type OutputFacts } from '../profiles/facts.ts';
import { renderOutput } from '../profiles/render.ts';
import type { Profile } from '../profiles/profile.ts';
import { Secret } from '../core/secret.ts';
import type { DeliveredConfig, ManagedApp, NewCredential } from '../credentials/types.ts';

/** `rotate --profile`: the product output to re-render with the new secret (src/profiles/render.ts). */
export interface RenderRequest {
  profile: Profile;
  format: string;
  mailbox: string;
  senderName?: string;
  siteUrl?: string;
}

export interface ConfigContext {
  app: ManagedApp;
  tenantId: string;
  endpoints: CloudEndpoints;
  graphScope: string;
  render?: RenderRequest;
}

/** The scope the app's own token is for: Exchange for the SMTP models, Graph otherwise. */
export function appScope(context: Pick<ConfigContext, 'app' | 'endpoints' | 'graphScope'>): string {
  const model = context.app.model ? MODELS[context.app.model] : undefined;
  return model?.tokenResource === 'exchange' ? `${context.endpoints.exchangeResource}/.default` : context.graphScope;
}

/**
 * What the sinks receive. The JSON document is the `--on-rotate` payload and, without
 * `--profile`, the `--out` file; with `--profile` a secret's file is the product's own output.
 * A certificate's document carries the PEM (private key + certificate) instead of a secret.
 */
export function buildDeliveredConfig(context: ConfigContext, credential: NewCredential, previousKeyIds: string[]): DeliveredConfig {
  const tokenEndpoint = `${context.endpoints.authorityHost}/${context.tenantId}/oauth2/v2.0/token`;
  const document = {
    event: 'rotated',
    tenantId: context.tenantId,
    clientId: context.app.appId,
    uniqueName: context.app.uniqueName,
    model: context.app.model ?? null,
    credential: credential.kind,
    keyId: credential.keyId,
    expires: credential.endDateTime,
    previousKeyIds,
    tokenEndpoint,
    scope: appScope(context),
    ...(credential.kind === 'secret'
      ? { clientSecret: credential.value.reveal() }
      : { certificateThumbprint: credential.thumbprint, certificatePem: credential.value.reveal() }),
  };
  const json = `${JSON.stringify(document, null, 2)}\n`;
  const text = context.render && credential.kind === 'secret' ? renderProfile(context, context.render, credential, tokenEndpoint) : json;
  return { text: new Secret(text), document: new Secret(json), credential, previousKeyIds };
}

/** Renders the product's output with the new secret in it (the file sink's content). */
export function renderProfile(
  context: ConfigContext,
  render: RenderRequest,
  credential: Pick<NewCredential, 'keyId' | 'endDateTime' | 'value'>,
  tokenEndpoint: string,
): string {
  const { smtpHost, smtpPort } = splitSmtpHost(context.endpoints.smtpHost);
  const facts: OutputFacts = {
    tenantId: context.tenantId,
    clientId: context.app.appId,
    clientSecret: credential.value,
    mailbox: render.mailbox,
    ...(render.senderName !== undefined ? { senderName: render.senderName } : {}),
    smtpHost,
    smtpPort,
    tokenEndpoint,
    scope: appScope(context),
    ...(render.siteUrl !== undefined ? { siteUrl: render.siteUrl } : {}),
    keyId: credential.keyId,
    secretExpires: credential.endDateTime,
  };
  return renderOutput(render.profile, render.format, facts, { showSecret: true }).text;
}
