import { UsageError } from '../core/errors.ts';
import type { Profile, ProfileOutput } from './profile.ts';
import { commentPrefix, escapeValue } from './escape.ts';
import { checkFacts, FACT_PLACEHOLDERS, isFactName, readFact, type OutputFacts } from './facts.ts';
import { formatDeviations, formatNextSteps, renderNextSteps } from './guide-notes.ts';
import { listPlaceholders, renderTemplate, TemplateError } from '../core/template.ts';

export type { OutputFacts } from './facts.ts';

export interface RenderOptions {
  /** `--show-secret`: put the secret itself in the text and fields instead of the mask. */
  showSecret: boolean;
}

export interface RenderedOutput {
  /** The file/stdout content, every value escaped for the output's format. */
  text: string;
  /** The product's form, label → value (unescaped; the secret masked unless showSecret): `--json`'s `config`. */
  fields: Record<string, string>;
}

/**
 * Renders one of a profile's outputs (`--format NAME`). Pure: the template text was read at load.
 * Throws UsageError for an unknown output name or a missing/unsafe fact, TemplateError for a
 * template defect.
 */
export function renderOutput(profile: Profile, outputName: string, facts: OutputFacts, options: RenderOptions): RenderedOutput {
  const output = findOutput(profile, outputName);
  checkFacts(facts);
  const where = `templates/outputs/${output.template}`;
  const values: Record<string, string> = {};
  for (const name of listPlaceholders(output.templateText, where)) {
    values[name] = placeholderValue(profile, output, name, facts, options, where);
  }
  return { text: renderTemplate(output.templateText, values, where), fields: renderFields(profile, facts, options) };
}

/** The form alone (label → value), e.g. for `--json` when no output is printed. */
export function renderFields(profile: Profile, facts: OutputFacts, options: RenderOptions): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const field of profile.fields) {
    const where = `profile '${profile.name}' field '${field.label}'`;
    const values: Record<string, string> = {};
    for (const name of listPlaceholders(field.value, where)) {
      if (!isFactName(name)) throw new TemplateError('unknown-placeholder', name, where);
      values[name] = readFact(facts, name, options.showSecret);
    }
    fields[field.label] = renderTemplate(field.value, values, where);
  }
  return fields;
}

/** The profile's output named by `--format`; an unknown name is a UsageError listing the valid ones. */
export function findOutput(profile: Profile, outputName: string): ProfileOutput {
  const output = profile.outputs.find((o) => o.name === outputName);
  if (output) return output;
  const names = profile.outputs.map((o) => o.name).join(', ');
  throw new UsageError(`profile '${profile.name}' has no output '${outputName}'; choose one of: ${names}`, { flag: '--format' });
}

function placeholderValue(
  profile: Profile,
  output: ProfileOutput,
  name: string,
  facts: OutputFacts,
  options: RenderOptions,
  where: string,
): string {
  if (isFactName(name)) {
    const { kind } = FACT_PLACEHOLDERS[name];
    return escapeValue(output.format, readFact(facts, name, options.showSecret), kind, name);
  }
  if (name === 'product') return escapeValue(output.format, profile.product, 'string', name);
  if (name === 'profile') return escapeValue(output.format, profile.name, 'string', name);
  const prefix = commentPrefix(output.format);
  if (prefix !== null && name === 'nextSteps') return formatNextSteps(renderNextSteps(profile, facts), prefix);
  if (prefix !== null && name === 'deviations') return formatDeviations(profile, prefix);
  throw new TemplateError('unknown-placeholder', name, where);
}
