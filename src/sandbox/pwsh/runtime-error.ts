/** A PowerShell error inside the stand-in (`throw`, a failing cmdlet); catchable by `try/catch`. */
export class PSRuntimeError extends Error {
  readonly cmdlet?: string;
  readonly status?: number;
  constructor(message: string, options: { cmdlet?: string; status?: number } = {}) {
    super(message);
    this.name = 'PSRuntimeError';
    if (options.cmdlet !== undefined) this.cmdlet = options.cmdlet;
    if (options.status !== undefined) this.status = options.status;
  }
}

/** A construct the stand-in does not interpret: it fails closed rather than guess. Not catchable. */
export class UnsupportedConstructError extends Error {
  constructor(construct: string) {
    super(`stand-in does not support ${construct}`);
    this.name = 'UnsupportedConstructError';
  }
}
