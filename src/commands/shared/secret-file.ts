import { UsageError } from '../../core/errors.ts';

/** Keys that hold the secret in the tool's own outputs (env, ini) and in common .env files, most specific first. */
const SECRET_KEYS = ['AZURE_CLIENT_SECRET', 'OfficeClientSecret', 'CLIENT_SECRET', 'SMTP_PASSWORD'];
const KEY_VALUE = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;

/**
 * The app secret from a file given to `--secret-file`: either a file holding only the secret, or a
 * config file the tool wrote (env, ini): `#` and `;` comment lines and blank lines are skipped, and
 * among `KEY=value` lines the secret is the value of AZURE_CLIENT_SECRET, OfficeClientSecret, … or
 * else of the one key whose name says SECRET or PASSWORD. Values may be quoted as the env output
 * quotes them ('…' with '\'' for a quote, or "…").
 */
export function readSecretFromFile(text: string, path: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith(';'));
  const pairs = lines.map((l) => KEY_VALUE.exec(l)).filter((m): m is RegExpExecArray => m !== null);
  if (pairs.length === 0) {
    if (lines.length === 1) return lines[0] as string;
    throw new UsageError(`--secret-file: '${path}' holds neither a single secret line nor KEY=value lines.`, { flag: '--secret-file' });
  }
  const values = new Map(pairs.map((m) => [m[1] as string, unquote((m[2] as string).trim())]));
  for (const key of SECRET_KEYS) {
    const value = values.get(key);
    if (value !== undefined) return value;
  }
  const candidates = [...values.keys()].filter((k) => /secret|password/i.test(k));
  if (candidates.length === 1) return values.get(candidates[0] as string) as string;
  throw new UsageError(
    candidates.length === 0
      ? `--secret-file: '${path}' has no secret key (looked for ${SECRET_KEYS.join(', ')}, or a key named *SECRET* / *PASSWORD*).`
      : `--secret-file: '${path}' has several secret keys (${candidates.join(', ')}); put the one to check in a file of its own.`,
    { flag: '--secret-file' },
  );
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1).replaceAll("'\\''", "'");
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1).replaceAll('\\"', '"');
  return value;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A client secret's Value is never a GUID; its Secret ID (keyId) always is, and is the usual wrong
 * paste from the portal (Microsoft's own AADSTS7000215 text says so). Refused before anything is sent.
 */
export function assertNotSecretId(value: string): void {
  if (!GUID.test(value)) return;
  throw new UsageError("The secret given is a GUID: that is the secret's ID, not its Value.", {
    flag: '--secret-file',
    suggestion:
      "Use the Value shown once when the secret was created (or the config file entra-mail wrote); if it is lost, mint a new one with 'entra-mail rotate'.",
  });
}

/** Values verify can take from the same config file when their flags are not given. */
export interface ConfigDefaults {
  clientId?: string;
  tenantId?: string;
  mailbox?: string;
}

const DEFAULT_KEYS: Record<keyof ConfigDefaults, string[]> = {
  clientId: ['AZURE_CLIENT_ID', 'OfficeClientID'],
  tenantId: ['AZURE_TENANT_ID', 'OfficeTenantID'],
  mailbox: ['MAIL_FROM', 'MailSender', 'SMTPUserName'],
};

/** The app's client id, tenant and sending mailbox from a config file the tool wrote (env or ini keys). */
export function readConfigDefaults(text: string): ConfigDefaults {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = KEY_VALUE.exec(line.trim());
    if (m && !line.trim().startsWith('#') && !line.trim().startsWith(';')) values.set(m[1] as string, unquote((m[2] as string).trim()));
  }
  const defaults: ConfigDefaults = {};
  for (const [field, keys] of Object.entries(DEFAULT_KEYS) as [keyof ConfigDefaults, string[]][]) {
    const key = keys.find((k) => values.get(k));
    if (key) defaults[field] = values.get(key);
  }
  return defaults;
}
