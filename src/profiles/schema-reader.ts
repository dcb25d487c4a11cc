import { ProfileError } from './profile-error.ts';

/**
 * A small strict reader for the YAML profile documents: every accessor names the path it checks,
 * and `object()` rejects keys it was not told about, so a typo in a shipped profile fails loudly.
 */
export interface SchemaReader {
  object(value: unknown, path: string, keys: { required: readonly string[]; optional?: readonly string[] }): Record<string, unknown>;
  string(value: unknown, path: string, pattern?: RegExp): string;
  boolean(value: unknown, path: string): boolean;
  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T;
  array(value: unknown, path: string): unknown[];
  strings(value: unknown, path: string, pattern?: RegExp): string[];
  fail(path: string, problem: string): never;
}

export function createSchemaReader(file: string): SchemaReader {
  const fail = (path: string, problem: string): never => {
    throw new ProfileError(file, path, problem);
  };
  const reader: SchemaReader = {
    fail,
    object(value, path, keys) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'expected a mapping');
      const record = value as Record<string, unknown>;
      const allowed = [...keys.required, ...(keys.optional ?? [])];
      for (const key of Object.keys(record)) {
        if (!allowed.includes(key)) fail(join(path, key), `unknown key; allowed: ${allowed.join(', ')}`);
      }
      for (const key of keys.required) {
        if (!Object.hasOwn(record, key)) fail(join(path, key), 'missing');
      }
      return record;
    },
    string(value, path, pattern) {
      if (typeof value !== 'string' || value.trim() === '') fail(path, `expected a non-empty string, found ${describe(value)}`);
      const text = value as string;
      if (pattern && !pattern.test(text)) fail(path, `'${text}' does not match ${String(pattern)}`);
      return text;
    },
    boolean(value, path) {
      if (typeof value !== 'boolean') fail(path, 'expected true or false');
      return value as boolean;
    },
    oneOf(value, path, allowed) {
      if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
        fail(path, `expected one of: ${allowed.join(', ')}`);
      }
      return value as (typeof allowed)[number];
    },
    array(value, path) {
      if (!Array.isArray(value)) fail(path, 'expected a list');
      return value as unknown[];
    },
    strings(value, path, pattern) {
      return reader.array(value, path).map((item, index) => reader.string(item, `${path}[${index}]`, pattern));
    },
  };
  return reader;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  // A YAML plain scalar containing ": " turns into a mapping: the usual cause of this error.
  if (typeof value === 'object') return 'a mapping (quote text that contains ": ")';
  return typeof value === 'string' ? 'an empty string' : `a ${typeof value}`;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
