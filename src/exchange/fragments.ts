import { readFileSync } from 'node:fs';
import { renderTemplate } from '../core/template.ts';

/**
 * PowerShell templates are data (templates/powershell/*.ps1.tmpl): fragments with `{{name}}`
 * slots, filled by the one template engine (src/core/template.ts), which fails loudly on a slot
 * without a value or a value without a slot instead of producing a half-filled script.
 */
const TEMPLATE_DIR = new URL('../../templates/powershell/', import.meta.url);

const cache = new Map<string, string>();

/** The names of the fragments the renderers use (one file each). */
export type TemplateName =
  | 'header'
  | 'plan-only'
  | 'mailbox-check'
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
 * Reads and fills one fragment. Values go in verbatim: they are already-quoted PowerShell literals
 * (src/exchange/quote.ts) or generated comment text.
 */
export function renderFragment(name: TemplateName, values: Readonly<Record<string, string>> = {}): string {
  return renderTemplate(readTemplate(name), { ...values }, `templates/powershell/${name}.ps1.tmpl`);
}
