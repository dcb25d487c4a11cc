import { readFileSync } from 'node:fs';

/**
 * PowerShell templates are data (templates/powershell/*.ps1.tmpl): fragments
 * with `{{name}}` slots. Rendering is pure and strict: a slot without a value, or a value without a
 * slot, is a bug in the caller and fails loudly instead of producing a half-filled script.
 */
const TEMPLATE_DIR = new URL('../../templates/powershell/', import.meta.url);
const SLOT = /\{\{([A-Za-z][A-Za-z0-9]*)\}\}/g;

const cache = new Map<string, string>();

/** The names of the fragments the renderers use (one file each). */
export type TemplateName =
  | 'header'
  | 'connect-device'
  | 'connect-interactive'
  | 'connect-interactive-upn'
  | 'connect-certificate'
  | 'service-principal'
  | 'mailbox-permission'
  | 'recipient-permission'
  | 'smtp-auth'
  | 'management-scope'
  | 'role-assignment'
  | 'result'
  | 'remove-lookup'
  | 'remove-role-assignment'
  | 'remove-management-scope'
  | 'remove-mailbox-permission'
  | 'remove-recipient-permission'
  | 'remove-service-principal';

/** Reads a fragment (once per process); line endings are normalised to LF so output is byte-stable. */
export function readTemplate(name: TemplateName): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`${name}.ps1.tmpl`, TEMPLATE_DIR), 'utf8').replace(/\r\n/g, '\n');
    cache.set(name, text);
  }
  return text;
}

/**
 * Fills every `{{slot}}` of `template` with `values[slot]` verbatim (values are already-quoted
 * PowerShell literals or generated comment text). Throws on an unknown or an unused slot.
 */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>, name = 'template'): string {
  const used = new Set<string>();
  const filled = template.replace(SLOT, (_slot, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`${name}: no value for placeholder {{${key}}}`);
    used.add(key);
    return value;
  });
  const unused = Object.keys(values).filter((key) => !used.has(key));
  if (unused.length > 0) throw new Error(`${name}: unused placeholder value(s): ${unused.join(', ')}`);
  return filled;
}

/** Reads and fills one fragment. */
export function renderTemplate(name: TemplateName, values: Readonly<Record<string, string>> = {}): string {
  return fillTemplate(readTemplate(name), values, `templates/powershell/${name}.ps1.tmpl`);
}
