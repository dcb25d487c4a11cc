import { readFileSync } from 'node:fs';
import { MODELS, type ModelName } from '../core/models.ts';
import type { Profile, ProfileField, ProfileOutput } from './profile.ts';

/**
 * `provision --credential certificate`: the outputs that can carry a certificate instead of a
 * client secret. A product's form asks for a client secret (`{{clientSecret}}`), so a vendor profile
 * cannot take a certificate; the generic profiles' env/json/yaml outputs have certificate variants
 * that name the PEM file (`{{certificatePath}}`) and its thumbprint and hold no secret themselves.
 * Delegated models sign in as a user through the product's own OAuth flow and are left out.
 */

/** Secret template → its certificate variant (both under templates/outputs/). */
const CERTIFICATE_TEMPLATES: Readonly<Record<string, string>> = {
  'generic-graph.env.tmpl': 'generic-graph-certificate.env.tmpl',
  'generic-graph.json.tmpl': 'generic-graph-certificate.json.tmpl',
  'generic-graph.yaml.tmpl': 'generic-graph-certificate.yaml.tmpl',
  'generic-smtp.env.tmpl': 'generic-smtp-certificate.env.tmpl',
  'generic-smtp.json.tmpl': 'generic-smtp-certificate.json.tmpl',
  'generic-smtp.yaml.tmpl': 'generic-smtp-certificate.yaml.tmpl',
};

// Same layout as src/profiles/load.ts: two levels up from src/outputs/ and dist/outputs/ is the package root.
const OUTPUTS_DIR = new URL('../../templates/outputs/', import.meta.url);

const CERTIFICATE_FIELDS: ProfileField[] = [
  { label: 'Certificate file', value: '{{certificatePath}}' },
  { label: 'Certificate thumbprint', value: '{{certificateThumbprint}}' },
];

/** Reads a shipped template; tests may pass their own reader. */
export type TemplateReader = (name: string) => string;

const readShippedTemplate: TemplateReader = (name) => readFileSync(new URL(name, OUTPUTS_DIR), 'utf8');

/**
 * The profile as a certificate run renders it: only the outputs with a certificate variant (same
 * `--format` names, certificate templates), and the form's client-secret fields replaced by the
 * certificate file and thumbprint. Undefined when the profile (or `model`, which may override the
 * profile's) cannot use a certificate: then `--credential certificate` is a usage error.
 */
export function certificateProfile(
  profile: Profile,
  model: ModelName,
  readTemplate: TemplateReader = readShippedTemplate,
): Profile | undefined {
  if (MODELS[model].tokenResource === 'user') return undefined;
  const outputs = profile.outputs.flatMap((o) => {
    const variant = CERTIFICATE_TEMPLATES[o.template];
    return variant ? [certificateOutput(o, variant, readTemplate(variant))] : [];
  });
  if (outputs.length === 0) return undefined;
  const fields = profile.fields.filter((f) => !f.value.includes('{{clientSecret}}'));
  return { ...profile, fields: [...fields, ...CERTIFICATE_FIELDS], outputs };
}

function certificateOutput(output: ProfileOutput, template: string, templateText: string): ProfileOutput {
  return { ...output, title: `${output.title}, certificate sign-in`, template, templateText, secretField: null };
}
