import { stringify } from 'yaml';
import { UsageError } from '../core/errors.ts';
import type { OutputFormat } from './profile.ts';

/**
 * Per-format escaping of one placeholder value. Values reaching here never hold control characters
 * (src/profiles/facts.ts rejects them), so each format only has to get its quoting right.
 */
export function escapeValue(format: OutputFormat, value: string, kind: 'string' | 'number', name: string): string {
  if (kind === 'number' && /^\d+$/.test(value) && format !== 'env') return value;
  switch (format) {
    case 'text':
    case 'ini':
      // Read by a person or by a product's own "key=value" form: shown as is.
      return value;
    case 'json':
    case 'js':
      return JSON.stringify(value);
    case 'yaml':
      // The yaml package's double-quoted scalar: safe for any string, never folded.
      return stringify(value, { defaultStringType: 'QUOTE_DOUBLE', lineWidth: 0 }).trimEnd();
    case 'env':
      return quoteEnv(value, name);
  }
}

/**
 * One quoting that POSIX `sh` (`. file`), dotenv and `node --env-file` all read back identically:
 * single quotes (literal everywhere). A value with a `'` goes in double quotes, but only when it
 * holds none of the characters those parsers treat differently inside double quotes.
 */
function quoteEnv(value: string, name: string): string {
  if (!value.includes("'")) return `'${value}'`;
  if (!/[\\"$`]/.test(value)) return `"${value}"`;
  throw new UsageError(
    `the value for '${name}' mixes quotes and shell characters ($, \`, \\, "), which env-file readers disagree on; ` +
      'choose another --format (json or yaml)',
    { flag: '--format' },
  );
}

/** The comment prefix for the guide-notes blocks; null where the format has no comments (JSON). */
export function commentPrefix(format: OutputFormat): string | null {
  switch (format) {
    case 'text':
      return '';
    case 'env':
    case 'yaml':
      return '# ';
    case 'ini':
      return '; ';
    case 'js':
      return '// ';
    case 'json':
      return null;
  }
}
