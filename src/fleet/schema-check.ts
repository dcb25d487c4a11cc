import { readFile } from 'node:fs/promises';
import type { Path } from './fleet-file.ts';

const SCHEMA = new URL('../../schemas/entra-mail.schema.json', import.meta.url);

export interface SchemaProblem {
  at: Path;
  /** The key the problem is about (an unknown or missing key), when there is one. */
  key?: string;
  message: string;
}

type Validate = ((value: unknown) => boolean) & { errors?: AjvError[] | null };
interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

let compiled: Promise<Validate> | undefined;

/** The shipped schema, compiled once with ajv (loaded only by the fleet commands). */
function validator(): Promise<Validate> {
  compiled ??= (async () => {
    // ajv is CommonJS: its module.exports is the Ajv2020 class (in Node and in the bundle alike).
    const Ajv2020 = (await import('ajv/dist/2020.js')).default as unknown as new (
      options: object,
    ) => {
      compile(schema: object): Validate;
    };
    const schema = JSON.parse(await readFile(SCHEMA, 'utf8')) as object;
    return new Ajv2020({ allErrors: true, strict: true }).compile(schema);
  })();
  return compiled;
}

/** The file's problems against schemas/entra-mail.schema.json, the most telling first. */
export async function schemaProblems(value: unknown): Promise<SchemaProblem[]> {
  const validate = await validator();
  if (validate(value)) return [];
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if');
  const rank = (e: AjvError) => (e.keyword === 'additionalProperties' ? 0 : 1);
  const sorted = [...errors].sort((a, b) => rank(a) - rank(b) || b.instancePath.length - a.instancePath.length);
  const problems = sorted.map((e) => describe(e, value));
  // A reference given as plain text is the one mistake worth its own words.
  return problems.length > 0 ? problems : [{ at: [], message: 'does not match schemas/entra-mail.schema.json' }];
}

function describe(error: AjvError, value: unknown): SchemaProblem {
  const at: Path = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const found = at.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)?.[k], value);
  const last = at[at.length - 1];
  switch (error.keyword) {
    case 'additionalProperties':
      return { at, key: String(error.params.additionalProperty), message: 'unknown key (see schemas/entra-mail.schema.json).' };
    case 'required':
      return { at, message: `missing key '${String(error.params.missingProperty)}'.` };
    case 'enum':
      return { at, message: `'${String(found)}' is not one of ${(error.params.allowedValues as unknown[]).join(', ')}.` };
    case 'const':
      return { at, message: `must be ${JSON.stringify(error.params.allowedValue)}.` };
    case 'type':
      if ((last === 'clientSecret' || last === 'certificate') && typeof found === 'string')
        return { at, message: 'never the secret itself: give { env: NAME } or { file: PATH }.' };
      return { at, message: `must be ${String(error.params.type)}${error.params.type === 'array' ? ' (a list)' : ''}.` };
    case 'pattern':
      return { at, message: `'${String(found)}' is not valid here (${hintFor(last)}).` };
    default:
      return { at, message: `${error.message ?? 'is not valid'}.` };
  }
}

function hintFor(key: string | number | undefined): string {
  switch (key) {
    case 'secretLifetime':
      return 'a lifetime such as 180d, 12w, 24mo or 2y';
    case 'expiringWithin':
      return 'a window such as 30d or 4w';
    case 'grace':
      return '0, or days or hours such as 7d or 12h';
    case 'clientId':
      return 'a client id (GUID)';
    case 'uniqueName':
      return "letters, digits, '.', '_' or '-', starting with a letter or digit";
    case 'keyVault':
    case 'siteUrl':
      return 'an https:// URL';
    default:
      return 'see schemas/entra-mail.schema.json';
  }
}
