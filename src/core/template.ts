/**
 * The one template language, for config outputs (templates/outputs) and PowerShell fragments
 * (templates/powershell) alike: `{{name}}` placeholders, nothing else. Pure, and strict both ways:
 * a placeholder without a value and a value without a placeholder are both
 * errors, so a template and the code feeding it cannot drift apart silently.
 */

const PLACEHOLDER = /\{\{([A-Za-z][A-Za-z0-9]*)\}\}/g;
/**
 * An opening `{{` that does not start a placeholder (`{{ name }}`, `{{a-b}}`, `{{{x}}}`). A stray
 * `}}` is left alone: JSON and JavaScript templates close nested braces that way.
 */
const MALFORMED = /\{\{(?![A-Za-z][A-Za-z0-9]*\}\})/;

export type TemplateProblem = 'unknown-placeholder' | 'unused-value' | 'malformed';

/**
 * A template and its values do not match. This is a defect in shipped data or in the caller, not a
 * user error, so it is not part of the exit-code tree and surfaces as exit 1 ("please report").
 */
export class TemplateError extends Error {
  readonly problem: TemplateProblem;
  /** The placeholder (or the malformed text) the error is about. */
  readonly placeholder: string;

  constructor(problem: TemplateProblem, placeholder: string, where?: string) {
    const at = where ? ` in ${where}` : '';
    const what =
      problem === 'unknown-placeholder'
        ? `template uses {{${placeholder}}}, which has no value${at}`
        : problem === 'unused-value'
          ? `a value for '${placeholder}' was given but the template${at} never uses {{${placeholder}}}`
          : `malformed placeholder near '${placeholder}'${at}; write {{name}} with a letter first and no spaces`;
    super(what);
    this.name = 'TemplateError';
    this.problem = problem;
    this.placeholder = placeholder;
  }
}

/** The distinct placeholder names a template uses, in order of first use. Throws on malformed ones. */
export function listPlaceholders(template: string, where?: string): string[] {
  const malformed = MALFORMED.exec(template);
  if (malformed) throw new TemplateError('malformed', template.slice(malformed.index, malformed.index + 20), where);
  const names: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] as string;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * Replaces every `{{name}}` with `values[name]` verbatim (escaping is the caller's job, per output
 * format: src/profiles/escape.ts; PowerShell quoting: src/exchange/quote.ts). Throws a TemplateError on an unknown placeholder or an unused value.
 */
export function renderTemplate(template: string, values: Record<string, string>, where?: string): string {
  const used = listPlaceholders(template, where);
  for (const name of used) {
    if (!Object.hasOwn(values, name)) throw new TemplateError('unknown-placeholder', name, where);
  }
  for (const name of Object.keys(values)) {
    if (!used.includes(name)) throw new TemplateError('unused-value', name, where);
  }
  // A replacer function, not a replacement string: `$&` or `$1` in a value must stay literal.
  return template.replace(PLACEHOLDER, (_match, name: string) => values[name] as string);
}
