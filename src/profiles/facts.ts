import { UsageError } from '../core/errors.ts';
import type { Secret } from '../core/secret.ts';
import { hasControlCharacter } from '../core/validate.ts';

/**
 * Everything an output may show, gathered by provision/rotate after the tenant work is done. The
 * field names are also the placeholder names templates use (`{{clientId}}`).
 */
export interface OutputFacts {
  tenantId: string;
  clientId: string;
  /** The new secret; undefined when this run did not mint one (a converged re-run). */
  clientSecret: Secret | undefined;
  /** The sending mailbox (the first `--mailbox`). */
  mailbox: string;
  /** `--sender-name`; outputs fall back to the mailbox address. */
  senderName?: string;
  /** SMTP submission host without the port, e.g. smtp.office365.com. */
  smtpHost: string;
  smtpPort: number;
  /** e.g. https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token */
  tokenEndpoint: string;
  /** e.g. https://outlook.office365.com/.default (SMTP) or https://graph.microsoft.com/.default. */
  scope: string;
  /** `--site-url` (dnn), without a trailing slash. */
  siteUrl?: string;
  /** The secret's keyId, so a config file can be matched to its credential at rotation. */
  keyId?: string;
  /** The secret's endDateTime (ISO 8601). */
  secretExpires?: string;
  /** `--credential certificate`: absolute path of the PEM (private key + certificate) the run wrote. */
  certificatePath?: string;
  /** `--credential certificate`: SHA-1 thumbprint, upper-case hex (the portal's "Thumbprint"). */
  certificateThumbprint?: string;
}

export type FactName = keyof OutputFacts;

/** Every fact placeholder, with the flag that supplies it (for error messages). */
export const FACT_PLACEHOLDERS: Record<FactName, { flag?: string; kind: 'string' | 'number' }> = {
  tenantId: { flag: '--tenant', kind: 'string' },
  clientId: { kind: 'string' },
  clientSecret: { kind: 'string' },
  mailbox: { flag: '--mailbox', kind: 'string' },
  senderName: { flag: '--sender-name', kind: 'string' },
  smtpHost: { flag: '--smtp-host', kind: 'string' },
  smtpPort: { flag: '--smtp-host', kind: 'number' },
  tokenEndpoint: { flag: '--authority-host', kind: 'string' },
  scope: { kind: 'string' },
  siteUrl: { flag: '--site-url', kind: 'string' },
  keyId: { kind: 'string' },
  secretExpires: { kind: 'string' },
  certificatePath: { flag: '--certificate-out', kind: 'string' },
  certificateThumbprint: { kind: 'string' },
};

/** Placeholders that expand to generated multi-line blocks (the guide notes), not to one value. */
export const BLOCK_PLACEHOLDERS = ['nextSteps', 'deviations'] as const;
/** Placeholders that come from the profile itself. */
export const PROFILE_PLACEHOLDERS = ['product', 'profile'] as const;

/** True when `name` is one of the OutputFacts placeholders. */
export function isFactName(name: string): name is FactName {
  return Object.hasOwn(FACT_PLACEHOLDERS, name);
}

/** Shown instead of the secret: never more than Graph's own 3-character `hint` (docs/graph-applications.md). */
export function maskSecret(secret: Secret | undefined): string {
  if (secret === undefined) return '[unchanged; no new secret on this run]';
  return `${secret.hint}…[hidden; use --show-secret]`;
}

/**
 * The raw (unescaped) string for one fact. Throws a UsageError naming the flag when a value the
 * output needs is missing or contains a control character.
 */
export function readFact(facts: OutputFacts, name: FactName, showSecret: boolean): string {
  const { flag } = FACT_PLACEHOLDERS[name];
  let value: string | undefined;
  if (name === 'clientSecret') {
    value = showSecret && facts.clientSecret !== undefined ? facts.clientSecret.reveal() : maskSecret(facts.clientSecret);
  } else if (name === 'senderName') {
    value = facts.senderName ?? facts.mailbox;
  } else if (name === 'siteUrl') {
    value = facts.siteUrl?.replace(/\/+$/, '');
  } else {
    const raw = facts[name];
    value = raw === undefined ? undefined : String(raw);
  }
  if (value === undefined || value === '') {
    throw new UsageError(`this output needs a value for '${name}'${flag ? `; pass ${flag}` : ''}`, { flag });
  }
  // A control character would let a value end a line and start a new key in env, ini, YAML or a comment.
  if (hasControlCharacter(value)) {
    // Never echo the value: it may be the secret.
    throw new UsageError(`the value for '${name}' contains a control character or line break`, { flag });
  }
  return value;
}

/**
 * Checks every fact that is present, used by the output or not: a line break in any of them is a
 * bad flag value, and saying so early beats saying so only for some formats.
 */
export function checkFacts(facts: OutputFacts): void {
  for (const name of Object.keys(FACT_PLACEHOLDERS) as FactName[]) {
    if (facts[name] !== undefined && name !== 'senderName') readFact(facts, name, true);
  }
  if (facts.senderName !== undefined) readFact(facts, 'senderName', false);
}

/** Splits a cloud table's "host:port" (src/core/cloud.ts) into the two facts. */
export function splitSmtpHost(hostPort: string): { smtpHost: string; smtpPort: number } {
  const match = /^(.+):(\d{1,5})$/.exec(hostPort);
  if (!match) return { smtpHost: hostPort, smtpPort: 587 };
  return { smtpHost: match[1] as string, smtpPort: Number(match[2]) };
}
