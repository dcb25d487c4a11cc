import type { Profile } from './profile.ts';
import { isFactName, readFact, type OutputFacts } from './facts.ts';
import { listPlaceholders, renderTemplate, TemplateError } from '../core/template.ts';

/**
 * The profile's "now in the product" steps with the facts filled in. Steps never show the secret
 * (the loader rejects `{{clientSecret}}` in them), so they are safe for stderr and logs.
 */
export function renderNextSteps(profile: Profile, facts: OutputFacts): string[] {
  return profile.nextSteps.map((step, index) => {
    const where = `profile '${profile.name}' nextSteps[${index}]`;
    const values: Record<string, string> = {};
    for (const name of listPlaceholders(step, where)) {
      if (name === 'product') values[name] = profile.product;
      else if (isFactName(name) && name !== 'clientSecret') values[name] = readFact(facts, name, false);
      else throw new TemplateError('unknown-placeholder', name, where);
    }
    return renderTemplate(step, values, where);
  });
}

/** Numbered steps, each line behind the format's comment prefix. */
export function formatNextSteps(steps: string[], prefix: string): string {
  return steps.map((step, index) => `${prefix}${index + 1}. ${step}`).join('\n');
}

/** "What differs from the vendor's guide, and why", each line behind the comment prefix. */
export function formatDeviations(profile: Profile, prefix: string): string {
  if (profile.deviations.length === 0) return `${prefix}(none: this profile follows the guide as written)`;
  return profile.deviations
    .map((d) => [`${prefix}- The guide says: ${d.guideSays}`, `${prefix}  We do: ${d.weDo}`, `${prefix}  Why: ${d.why}`].join('\n'))
    .join('\n');
}
