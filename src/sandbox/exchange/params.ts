import { badRequest } from './cmdlet-error.ts';

/**
 * A cmdlet's parameters as InvokeCommand receives them (`CmdletInput.Parameters`, docs/exchange-invoke-command.md#request): names are
 * case-insensitive; an unexpected name fails like PowerShell's parameter binder.
 */
export class CmdletParameters {
  readonly #values = new Map<string, unknown>();
  readonly #cmdlet: string;

  constructor(cmdlet: string, raw: unknown, allowed: readonly string[]) {
    this.#cmdlet = cmdlet;
    if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw)))
      throw badRequest('Parameters must be an object');
    const names = new Map(allowed.map((name) => [name.toLowerCase(), name]));
    for (const [key, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
      if (key.includes('@odata')) continue;
      const name = names.get(key.toLowerCase());
      if (!name) {
        throw badRequest(
          `A parameter cannot be found that matches parameter name '${key}'.`,
          'System.Management.Automation.ParameterBindingException',
        );
      }
      this.#values.set(name.toLowerCase(), value);
    }
  }

  has(name: string): boolean {
    return this.#values.has(name.toLowerCase());
  }

  /** An optional string parameter (a one-element array counts). */
  optionalString(name: string): string | undefined {
    if (!this.has(name)) return undefined;
    let value = this.#values.get(name.toLowerCase());
    if (Array.isArray(value) && value.length === 1) value = value[0];
    if (typeof value !== 'string')
      throw badRequest(
        `Cannot bind parameter '${name}' of ${this.#cmdlet}: a string is needed.`,
        'System.Management.Automation.ParameterBindingException',
      );
    return value;
  }

  /** A mandatory string parameter. */
  string(name: string): string {
    const value = this.optionalString(name);
    if (value === undefined || value === '') {
      throw badRequest(
        `${this.#cmdlet}: the mandatory parameter '${name}' is missing.`,
        'System.Management.Automation.ParameterBindingException',
      );
    }
    return value;
  }

  /** A multi-valued parameter (string or array of strings). */
  strings(name: string): string[] | undefined {
    if (!this.has(name)) return undefined;
    const value = this.#values.get(name.toLowerCase());
    const list = Array.isArray(value) ? value : [value];
    if (!list.every((item) => typeof item === 'string'))
      throw badRequest(`Cannot bind parameter '${name}': strings are needed.`, 'System.Management.Automation.ParameterBindingException');
    return list as string[];
  }

  /** A boolean or `$null` parameter (e.g. -SmtpClientAuthenticationDisabled). */
  nullableBoolean(name: string): boolean | null | undefined {
    if (!this.has(name)) return undefined;
    const value = this.#values.get(name.toLowerCase());
    if (value === null || typeof value === 'boolean') return value;
    throw badRequest(
      `Cannot bind parameter '${name}': $true, $false or $null is needed.`,
      'System.Management.Automation.ParameterBindingException',
    );
  }
}
