import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isMap, isNode, parseDocument, type Document } from 'yaml';
import type { CloudName } from '../core/cloud.ts';
import { UsageError } from '../core/errors.ts';
import { deriveUniqueName, validateTenant } from '../core/validate.ts';
import { getProfile } from '../profiles/get-profile.ts';
import { describePath, type FleetApp, type FleetFile, type FleetTenant, type Path } from './fleet-file.ts';
import { looksLikeSecret } from './secret-scan.ts';
import { schemaProblems } from './schema-check.ts';

/** The fleet file's errors: exit 2, naming the file, the line and the key (nothing was sent). */
export class FleetFileError extends UsageError {}

/**
 * Reads `entra-mail.yaml`: YAML (duplicate keys are errors), then no secret-looking value, then the
 * shipped JSON Schema (schemas/entra-mail.schema.json, so the file an editor checks is the file
 * this accepts), then what a schema cannot say: unique tenants, unique apps per tenant. Defaults
 * are merged into every tenant and app. Reads the file only; sends nothing.
 */
export async function loadFleetFile(path: string, cwd: string): Promise<FleetFile> {
  const full = resolve(cwd, path);
  const text = await readFile(full, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new FleetFileError(`--file: cannot read '${path}' (${error.code ?? 'error'}).`, { flag: '--file' });
  });
  return parseFleetFile(text, path, dirname(full));
}

export async function parseFleetFile(text: string, path: string, dir: string): Promise<FleetFile> {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  const where = (offset: number) => {
    const before = text.slice(0, offset).split('\n');
    return `${path}:${before.length}:${(before[before.length - 1]?.length ?? 0) + 1}`;
  };
  const syntax = doc.errors[0];
  if (syntax) throw new FleetFileError(`${where(syntax.pos[0])}: ${syntax.message.split('\n')[0]}`, { flag: '--file' });
  const locate = (at: Path, key?: string) => where(offsetOf(doc, at, key));
  const value = doc.toJS() as unknown;
  const fail = (at: Path, message: string, key?: string): never => {
    const name = describePath(key !== undefined ? [...at, key] : at);
    throw new FleetFileError(`${locate(at, key)}: ${name ? `${name}: ` : ''}${message}`, { flag: '--file' });
  };
  for (const [at, text] of strings(value, [])) {
    const what = looksLikeSecret(text);
    if (what)
      fail(
        at,
        `this looks like ${what}. Secrets never go in this file: name an environment variable ({ env: NAME }) or a file ({ file: PATH }).`,
      );
  }
  const problems = await schemaProblems(value);
  const first = problems[0];
  if (first) fail(first.at, first.message, first.key);
  return { path, dir, tenants: buildTenants(value as RawFile, fail), locate };
}

interface RawFile {
  defaults?: { cloud?: CloudName; auth?: FleetTenant['auth']; app?: Partial<FleetApp> };
  tenants: (Omit<FleetTenant, 'apps' | 'index' | 'at' | 'cloud' | 'auth'> & {
    cloud?: CloudName;
    auth?: FleetTenant['auth'];
    apps: Partial<FleetApp>[];
  })[];
}

function buildTenants(raw: RawFile, fail: (at: Path, message: string, key?: string) => never): FleetTenant[] {
  const defaults = raw.defaults ?? {};
  const seen = new Map<string, number>();
  return raw.tenants.map((t, index) => {
    const at: Path = ['tenants', index];
    let tenant = '';
    try {
      tenant = validateTenant(t.tenant, 'tenant');
    } catch (error) {
      fail(at, (error as Error).message.replace(/^tenant: /, ''), 'tenant');
    }
    const before = seen.get(tenant);
    if (before !== undefined) fail(at, `tenant '${tenant}' is already listed at tenants[${before}]; list each tenant once.`, 'tenant');
    seen.set(tenant, index);
    const names = new Map<string, number>();
    const apps = t.apps.map((a, j): FleetApp => {
      const appAt: Path = [...at, 'apps', j];
      const merged = { ...defaults.app, ...a };
      const uniqueName = a.uniqueName ?? deriveUniqueName(a.name ?? displayNameOf(merged.profile, appAt, fail));
      const twin = names.get(uniqueName.toLowerCase());
      if (twin !== undefined)
        fail(appAt, `a second app with unique name '${uniqueName}' in tenant ${tenant} (the first is apps[${twin}]).`, 'uniqueName');
      names.set(uniqueName.toLowerCase(), j);
      return {
        ...merged,
        uniqueName,
        mailboxes: a.mailboxes ?? [],
        sinks: { ...defaults.app?.sinks, ...a.sinks },
        rotation: { ...defaults.app?.rotation, ...a.rotation },
        at: appAt,
      };
    });
    return {
      tenant,
      ...(t.label !== undefined ? { label: t.label } : {}),
      cloud: t.cloud ?? defaults.cloud ?? 'global',
      auth: t.auth ?? defaults.auth ?? {},
      apps,
      index,
      at,
    };
  });
}

function displayNameOf(profile: string | undefined, at: Path, fail: (at: Path, message: string, key?: string) => never): string {
  try {
    return getProfile(profile ?? 'generic-smtp').displayName;
  } catch (error) {
    return fail(at, (error as Error).message, 'profile');
  }
}

/** Every string in the parsed file with its path. */
function strings(value: unknown, at: Path): [Path, string][] {
  if (typeof value === 'string') return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, [...at, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, [...at, k]));
  return [];
}

/** The offset of a node (or of one of its keys) in the text; the nearest existing parent when it is absent. */
function offsetOf(doc: Document, at: Path, key?: string): number {
  for (let n = at.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(at.slice(0, n), true);
    if (!isNode(node)) continue;
    if (key !== undefined && n === at.length && isMap(node)) {
      const pair = node.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === key);
      if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
    }
    if (node.range) return node.range[0];
  }
  return 0;
}
