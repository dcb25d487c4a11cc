import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { ProfileError } from './profile-error.ts';

/**
 * The structure of a profile document is schemas/profile.schema.json, checked with ajv, so the
 * schema editors use and the check the build runs cannot disagree. Profiles are checked when they
 * are loaded: in a checkout on each run, in the package once at build time (src/profiles/shipped.ts).
 */
const SCHEMA = new URL('../../schemas/profile.schema.json', import.meta.url);

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}
type Validate = ((value: unknown) => boolean) & { errors?: AjvError[] | null };

let compiled: Validate | undefined;

function validator(): Validate {
  // ajv is CommonJS: the default import is its module.exports, the Ajv2020 class.
  const Ajv = Ajv2020 as unknown as new (options: object) => { compile(schema: object): Validate };
  compiled ??= new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);
  return compiled;
}

/** Throws ProfileError naming the file and the key (`exchange.smtpAuth`, `fields[0].label`) of the first problem. */
export function checkProfileDocument(document: unknown, file: string): void {
  const validate = validator();
  if (validate(document)) return;
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf');
  // An unknown key is the likeliest typo and the clearest message; then the deepest problem.
  const rank = (e: AjvError) => (e.keyword === 'additionalProperties' ? 0 : e.keyword === 'required' ? 1 : 2);
  const [first] = [...errors].sort((a, b) => rank(a) - rank(b) || b.instancePath.length - a.instancePath.length);
  if (!first) throw new ProfileError(file, '', 'does not match schemas/profile.schema.json');
  const at = pathOf(first.instancePath);
  switch (first.keyword) {
    case 'additionalProperties':
      throw new ProfileError(file, join(at, String(first.params.additionalProperty)), 'unknown key (see schemas/profile.schema.json)');
    case 'required':
      throw new ProfileError(file, join(at, String(first.params.missingProperty)), 'missing');
    case 'enum':
      throw new ProfileError(file, at, `must be one of ${(first.params.allowedValues as unknown[]).join(', ')}`);
    case 'type':
      throw new ProfileError(file, at, `expected ${String(first.params.type)}, found ${describe(valueAt(document, first.instancePath))}`);
    default:
      throw new ProfileError(file, at, first.message ?? 'is not valid');
  }
}

function valueAt(document: unknown, pointer: string): unknown {
  const parts = pointer.split('/').slice(1);
  return parts.reduce<unknown>(
    (value, part) => (value as Record<string, unknown> | undefined)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')],
    document,
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  // A YAML plain scalar containing ": " turns into a mapping: the usual cause of this error.
  if (typeof value === 'object') return 'a mapping (quote text that contains ": ")';
  return `a ${typeof value}`;
}

/** `/outputs/1/format` → `outputs[1].format`, the notation ProfileError and the tests use. */
function pathOf(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : join(path, part)), '');
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
