/**
 * The values the pwsh stand-in works with, and PowerShell's rules for them that our templates rely
 * on: case-insensitive members, truthiness, comparison with the left operand's type, `+` on arrays
 * and strings, ConvertTo-Json.
 */

/** A [pscustomobject] or hashtable: ordered properties, looked up case-insensitively. */
export class PSObject {
  readonly #entries = new Map<string, { name: string; value: PSValue }>();

  constructor(entries: Iterable<[string, PSValue]> = []) {
    for (const [name, value] of entries) this.set(name, value);
  }

  get(name: string): PSValue | undefined {
    return this.#entries.get(name.toLowerCase())?.value;
  }

  has(name: string): boolean {
    return this.#entries.has(name.toLowerCase());
  }

  set(name: string, value: PSValue): void {
    const key = name.toLowerCase();
    this.#entries.set(key, { name: this.#entries.get(key)?.name ?? name, value });
  }

  entries(): [string, PSValue][] {
    return [...this.#entries.values()].map(({ name, value }) => [name, value]);
  }
}

/** What ConvertTo-SecureString returns; it never converts back to text in the stand-in. */
export class PSSecureString {
  readonly length: number;
  constructor(length: number) {
    this.length = length;
  }
}

export type PSValue = null | boolean | number | string | PSValue[] | PSObject | PSSecureString;

/** A JSON value (from InvokeCommand) as a PowerShell value. */
export function fromJson(value: unknown): PSValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(fromJson);
  return new PSObject(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromJson(v)]));
}

/** A PowerShell value as JSON (ConvertTo-Json, InvokeCommand parameters). */
export function toJson(value: PSValue | undefined, depth = 2): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof PSSecureString) return 'System.Security.SecureString';
  if (Array.isArray(value)) return value.map((item) => toJson(item, depth));
  if (value instanceof PSObject) {
    if (depth < 0) return toDisplayString(value);
    return Object.fromEntries(value.entries().map(([k, v]) => [k, toJson(v, depth - 1)]));
  }
  return value;
}

/** PowerShell's conversion to bool (`if`, `-not`). */
export function isTruthy(value: PSValue | undefined): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.length === 0 ? false : value.length === 1 ? isTruthy(value[0]) : true;
  return true;
}

/** PowerShell's conversion to string (concatenation, Write-Host). */
export function toDisplayString(value: PSValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  if (Array.isArray(value)) return value.map(toDisplayString).join(' ');
  if (value instanceof PSSecureString) return 'System.Security.SecureString';
  return `@{${value
    .entries()
    .map(([k, v]) => `${k}=${toDisplayString(v)}`)
    .join('; ')}}`;
}

/** `-eq` for two scalars: the right operand is converted to the left operand's type. */
export function areEqual(left: PSValue | undefined, right: PSValue | undefined): boolean {
  if (left === null || left === undefined) return right === null || right === undefined;
  if (right === null || right === undefined) return false;
  if (typeof left === 'string') return left.toLowerCase() === toDisplayString(right).toLowerCase();
  if (typeof left === 'boolean') return left === isTruthy(right);
  if (typeof left === 'number') return left === Number(typeof right === 'boolean' ? Number(right) : toDisplayString(right));
  return left === right;
}

/** `-lt`/`-ge`… for numbers and strings (case-insensitive). */
export function compareOrder(left: PSValue | undefined, right: PSValue | undefined): number {
  if (typeof left === 'number') return left - Number(toDisplayString(right ?? null));
  const a = toDisplayString(left ?? null).toLowerCase();
  const b = toDisplayString(right ?? null).toLowerCase();
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `-like` with `*` and `?` wildcards, case-insensitive. */
export function isLike(value: PSValue | undefined, pattern: PSValue | undefined): boolean {
  const source = toDisplayString(pattern ?? null)
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${source}$`, 'is').test(toDisplayString(value ?? null));
}

/** `+`: arrays append, strings concatenate, numbers add. */
export function add(left: PSValue | undefined, right: PSValue | undefined): PSValue {
  if (Array.isArray(left)) return Array.isArray(right) ? [...left, ...right] : [...left, right ?? null];
  if (typeof left === 'string') return left + toDisplayString(right ?? null);
  if (typeof left === 'number') return left + Number(toDisplayString(right ?? null));
  if (left === null || left === undefined) return right ?? null;
  throw new TypeError(`cannot add to ${typeof left}`);
}

/** Command output as an assigned value: nothing → $null, one item → the item, more → an array. */
export function collapse(items: PSValue[]): PSValue {
  if (items.length === 0) return null;
  if (items.length === 1) return items[0] ?? null;
  return items;
}

/** The items a value sends down a pipeline (arrays unroll, $null sends nothing from a command). */
export function enumerate(value: PSValue): PSValue[] {
  if (Array.isArray(value)) return value;
  return [value];
}
