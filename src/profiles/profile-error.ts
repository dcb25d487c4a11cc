/**
 * A shipped profile file is invalid: an unknown key, a wrong type, a bad value, a template that does
 * not match its fields. Profiles are data the project ships, so this is a defect (exit 1) that a
 * test must catch, never a user error.
 */
export class ProfileError extends Error {
  /** The profile file, e.g. "aevo.yaml". */
  readonly file: string;
  /** Where in the file, e.g. "outputs[1].format". */
  readonly path: string;

  constructor(file: string, path: string, problem: string) {
    super(`${file}: ${path ? `${path}: ` : ''}${problem}`);
    this.name = 'ProfileError';
    this.file = file;
    this.path = path;
  }
}

/** Stops the check of one profile with a ProfileError at `path`. */
export type ProfileFail = (path: string, problem: string) => never;
