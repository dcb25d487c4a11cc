import { extname } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { ConflictError } from '../core/errors.ts';
import type { DeliveredConfig, ManagedApp } from '../credentials/types.ts';
import { escapeValue } from '../profiles/escape.ts';
import { getProfile } from '../profiles/get-profile.ts';

type FileFormat = 'env' | 'json' | 'yaml';

/** What `rotate --out FILE` writes, given the file's current content (undefined: no file yet). */
export type ConfigEditor = (config: DeliveredConfig, previous: string | undefined) => string;

/**
 * `rotate --out FILE` keeps the file's format (docs/credential-lifecycle.md): with `--profile` the
 * profile's output is rendered anew; without it an existing `.env`, `.json` or `.yaml` file gets
 * only its secret replaced, everything else in it stays. The secret's key is the one the app's
 * recorded profile (`entra-mail:profile:<name>`) names for that format. A file an earlier rotate
 * wrote (the rotation JSON document) and any other file get the rotation document.
 */
export function configEditor(path: string, app: ManagedApp, rendered: boolean): ConfigEditor {
  if (rendered) return (config) => config.text.reveal();
  const format = formatOf(path);
  return (config, previous) => {
    const secret = config.credential.value.reveal();
    if (!format || config.credential.kind !== 'secret') return config.document.reveal();
    if (previous === undefined || isRotationDocument(previous)) return freshFile(format, config);
    const edited = replaceSecret(format, previous, secretKeys(app, format), secret);
    if (edited === undefined) throw missingKey(path, app, format);
    return edited;
  };
}

/** Checked before anything is minted: an existing file must have a secret key this tool can replace. */
export function checkConfigFile(path: string, app: ManagedApp, previous: string | undefined): void {
  const format = formatOf(path);
  if (!format || previous === undefined || isRotationDocument(previous)) return;
  if (replaceSecret(format, previous, secretKeys(app, format), 'x') === undefined) throw missingKey(path, app, format);
}

function formatOf(path: string): FileFormat | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.env' || path.endsWith('/.env')) return 'env';
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return undefined;
}

/** The app's profile's secret field for this format first, then the generic outputs' names. */
function secretKeys(app: ManagedApp, format: FileFormat): string[] {
  const keys: string[] = [];
  try {
    const profile = app.profile ? getProfile(app.profile) : undefined;
    for (const output of profile?.outputs ?? []) if (output.format === format && output.secretField) keys.push(output.secretField);
  } catch {
    // A profile this version does not know: the generic names below.
  }
  keys.push(format === 'env' ? 'AZURE_CLIENT_SECRET' : 'clientSecret');
  return [...new Set(keys)];
}

function replaceSecret(format: FileFormat, text: string, keys: string[], secret: string): string | undefined {
  if (format === 'env') {
    for (const key of keys) {
      const line = new RegExp(`^((?:export\\s+)?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=).*$`, 'm');
      if (line.test(text)) return text.replace(line, (_m, head: string) => `${head}${escapeValue('env', secret, 'string', key)}`);
    }
    return undefined;
  }
  if (format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return undefined;
    }
    const key = keys.find((k) => typeof (parsed as Record<string, unknown>)?.[k] === 'string');
    return key ? `${JSON.stringify({ ...(parsed as object), [key]: secret }, null, 2)}\n` : undefined;
  }
  const document = parseDocument(text);
  if (document.errors.length > 0) return undefined;
  const key = keys.find((k) => document.has(k));
  if (!key) return undefined;
  document.set(key, secret);
  return document.toString();
}

function isRotationDocument(text: string): boolean {
  try {
    return (JSON.parse(text) as { event?: unknown })?.event === 'rotated';
  } catch {
    return false;
  }
}

/** No file yet: the rotation document's values, in the format the file name asks for. */
function freshFile(format: FileFormat, config: DeliveredConfig): string {
  if (format === 'json') return config.document.reveal();
  const document = JSON.parse(config.document.reveal()) as Record<string, unknown>;
  const values: Record<string, string> = {
    AZURE_TENANT_ID: String(document.tenantId),
    AZURE_CLIENT_ID: String(document.clientId),
    AZURE_CLIENT_SECRET: String(document.clientSecret),
    OAUTH_TOKEN_ENDPOINT: String(document.tokenEndpoint),
    OAUTH_SCOPE: String(document.scope),
  };
  if (format === 'yaml') return stringify(document);
  return `${Object.entries(values)
    .map(([k, v]) => `${k}=${escapeValue('env', v, 'string', k)}`)
    .join('\n')}\n`;
}

function missingKey(path: string, app: ManagedApp, format: FileFormat): ConflictError {
  return new ConflictError(
    `--out ${path}: no ${secretKeys(app, format).join(' or ')} entry to put the new secret in; nothing was changed.`,
    {
      step: 'deliver',
      object: path,
      suggestion: "Pass --profile NAME --mailbox ADDR to write the product's whole output, or point --out at a new file.",
    },
  );
}
