import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret value that prints as `[redacted]` everywhere: string conversion, JSON, util.inspect,
 * template literals. Only `reveal()` yields the value, and only the output writers call it
 * (Terraform write-only arguments: created once, shown once, never kept in between).
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    if (typeof value !== 'string' || value.length === 0) throw new TypeError('a secret must be a non-empty string');
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  /** The first three characters, as Graph's `hint`; safe to show. */
  get hint(): string {
    return this.#value.slice(0, 3);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

export function isSecret(value: unknown): value is Secret {
  return value instanceof Secret;
}

export { REDACTED };
