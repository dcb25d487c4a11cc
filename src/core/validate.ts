import { UsageError } from './errors.ts';
import { hasBidiControl } from './terminal-text.ts';

/**
 * Input validation: every bad value fails here with exit 2, naming the flag, before any request
 * is sent (docs/reliability.md#bad-input; README.md#exit-codes).
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
// RFC 5321 local part kept to the dot-atom Exchange accepts for primary SMTP addresses.
const MAILBOX = /^[a-z0-9!#$%&*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
/**
 * C0 and C1 controls (NUL, tab, CR, LF, U+0085 NEL, …), DEL, and the Unicode line and paragraph
 * separators. Any of them can end a line somewhere a value lands (a config file, a PowerShell
 * literal, a log line, YAML 1.1, which treats NEL as a line break), so no value the tool takes or
 * writes may carry one.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** The first control character in `text` (see CONTROL), if any. */
export function findControlCharacter(text: string): string | undefined {
  return CONTROL.exec(text)?.[0];
}

export function hasControlCharacter(text: string): boolean {
  return CONTROL.test(text);
}

/** `text` with every control character replaced by `by`. */
export function replaceControlCharacters(text: string, by: string): string {
  return text.replace(new RegExp(CONTROL.source, 'g'), by);
}

/** A tenant id (GUID) or a verified domain; @azure/identity also insists on /^[0-9a-zA-Z-.]+$/. */
export function validateTenant(value: unknown, flag = '--tenant'): string {
  const text = requireText(value, flag);
  if (isGuid(text) || DOMAIN.test(text)) return text.toLowerCase();
  throw new UsageError(`${flag}: '${printable(text)}' is neither a tenant id (GUID) nor a domain such as contoso.onmicrosoft.com.`, {
    flag,
  });
}

export function validateGuid(value: unknown, flag: string): string {
  const text = requireText(value, flag);
  if (!isGuid(text))
    throw new UsageError(`${flag}: '${printable(text)}' is not a GUID (e.g. 00000000-0000-0000-0000-000000000000).`, { flag });
  return text.toLowerCase();
}

export function validateMailbox(value: unknown, flag = '--mailbox'): string {
  const text = requireText(value, flag);
  if (text.length > 254 || !MAILBOX.test(text))
    throw new UsageError(`${flag}: '${printable(text)}' is not a mailbox address such as noreply@contoso.com.`, { flag });
  return text.toLowerCase();
}

/** A repeatable address flag: each value validated, duplicates dropped, order kept. */
export function validateMailboxes(values: readonly unknown[] | undefined, flag = '--mailbox'): string[] {
  return [...new Set((values ?? []).map((m) => validateMailbox(m, flag)))];
}

/** Names end up in Graph JSON, OData filters and PowerShell: printable text, 1–120 characters. */
export function validateDisplayName(value: unknown, flag = '--name'): string {
  const text = requireText(value, flag).trim();
  if (text.length === 0 || text.length > 120) throw new UsageError(`${flag}: must be 1 to 120 characters.`, { flag });
  return text;
}

/** The idempotency key: immutable in Graph, so kept to a conservative, URL-safe alphabet. */
export function validateUniqueName(value: unknown, flag = '--unique-name'): string {
  const text = requireText(value, flag);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(text)) {
    throw new UsageError(
      `${flag}: '${printable(text)}' must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit.`,
      { flag },
    );
  }
  return text;
}

/** "Contoso Mailer!" → "contoso-mailer". */
export function deriveUniqueName(displayName: string): string {
  const slug = displayName
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return slug || 'entra-mail-app';
}

const MAX_LIFETIME_DAYS = 730;

/** `24mo`, `180d`, `2y`, `12w` → days; at most 24 months (Entra's portal cap: docs/token-endpoint.md#lifetimes). */
export function parseLifetime(value: unknown, flag = '--secret-lifetime'): number {
  const text = requireText(value, flag).toLowerCase();
  const match = /^(\d{1,4})\s*(d|w|mo|m|y)$/.exec(text);
  if (!match) throw new UsageError(`${flag}: '${printable(text)}' is not a lifetime such as 180d, 12w, 24mo or 2y.`, { flag });
  const n = Number(match[1]);
  const unit = match[2];
  const days = unit === 'd' ? n : unit === 'w' ? n * 7 : unit === 'y' ? n * 365 : Math.round((n * MAX_LIFETIME_DAYS) / 24);
  if (days < 1) throw new UsageError(`${flag}: must be at least one day.`, { flag });
  if (days > MAX_LIFETIME_DAYS)
    throw new UsageError(`${flag}: ${text} is longer than 24 months, the longest lifetime Entra offers.`, { flag });
  return days;
}

/** `30d`-style window for --expiring-within (no upper cap beyond sanity). */
export function parseWindowDays(value: unknown, flag: string): number {
  const text = requireText(value, flag).toLowerCase();
  const match = /^(\d{1,4})\s*(d|w)$/.exec(text);
  if (!match) throw new UsageError(`${flag}: '${printable(text)}' is not a window such as 30d or 4w.`, { flag });
  return Number(match[1]) * (match[2] === 'w' ? 7 : 1);
}

export function validateHttpsUrl(value: unknown, flag: string): string {
  const text = requireText(value, flag);
  const url = parseUrl(text, flag);
  if (url.protocol !== 'https:') throw new UsageError(`${flag}: '${printable(text)}' must use https.`, { flag });
  if (url.username || url.password) throw new UsageError(`${flag}: a URL must not carry credentials.`, { flag });
  return text.replace(/\/+$/, '');
}

/** Redirect URIs: https, or http on localhost (Entra allows http only for localhost). */
export function validateRedirectUri(value: unknown, flag = '--redirect-uri'): string {
  const text = requireText(value, flag);
  const url = parseUrl(text, flag);
  const localhost = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && localhost)) {
    throw new UsageError(`${flag}: '${printable(text)}' must be https (http is allowed only for localhost).`, { flag });
  }
  return text;
}

/** host:port for --smtp-host. */
export function validateHostPort(value: unknown, flag: string): string {
  const text = requireText(value, flag);
  const match = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(text);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535)
    throw new UsageError(`${flag}: '${printable(text)}' is not HOST:PORT.`, { flag });
  return text;
}

export function requireText(value: unknown, flag: string): string {
  if (Array.isArray(value)) throw new UsageError(`${flag}: given more than once.`, { flag });
  if (value === undefined || value === null || value === '') throw new UsageError(`${flag}: a value is required.`, { flag });
  const text = String(value);
  if (CONTROL.test(text)) throw new UsageError(`${flag}: control characters (newlines, tabs, …) are not allowed.`, { flag });
  // Bidirectional controls make text display in another order than it is stored ("Trojan Source",
  // https://trojansource.codes/): a name shown in a plan, the portal or a script must read as it is.
  if (hasBidiControl(text))
    throw new UsageError(`${flag}: bidirectional text controls (U+202A–U+202E, U+2066–U+2069, …) are not allowed.`, { flag });
  return text;
}

function parseUrl(text: string, flag: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new UsageError(`${flag}: '${printable(text)}' is not a URL.`, { flag });
  }
}

/** Bad input is echoed back, but bounded and with anything unprintable shown as '?'. */
export function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e\u00a0-\uffff]/g, '?');
  return clean.length > 80 ? `${clean.slice(0, 77)}...` : clean;
}
