import type { Profile } from './profile.ts';

/** One profile as `entra-mail profiles --json` reports it. */
export interface ProfileListEntry {
  name: string;
  model: string;
  product: string;
  summary: string;
  vendorGuide: string | null;
  outputs: string[];
  secretLifetime: string;
  deviations: number;
}

/**
 * `entra-mail profiles`: one aligned line per profile (name, model, product, summary), for stdout.
 * Product profiles come first, then the generic ones (src/profiles/load.ts orders them).
 */
export function formatProfilesList(profiles: Profile[]): string {
  const nameWidth = Math.max(...profiles.map((p) => p.name.length), 'PROFILE'.length);
  const modelWidth = Math.max(...profiles.map((p) => p.model.length), 'MODEL'.length);
  const productWidth = Math.max(...profiles.map((p) => p.product.length), 'PRODUCT'.length);
  const line = (name: string, model: string, product: string, summary: string): string =>
    `${name.padEnd(nameWidth)}  ${model.padEnd(modelWidth)}  ${product.padEnd(productWidth)}  ${summary}`.trimEnd();
  return `${[line('PROFILE', 'MODEL', 'PRODUCT', 'SUMMARY'), ...profiles.map((p) => line(p.name, p.model, p.product, p.summary))].join('\n')}\n`;
}

/** The JSON form of the list: data only, stable keys. */
export function profilesJson(profiles: Profile[]): ProfileListEntry[] {
  return profiles.map((p) => ({
    name: p.name,
    model: p.model,
    product: p.product,
    summary: p.summary,
    vendorGuide: p.vendorGuide?.title ?? null,
    outputs: p.outputs.map((o) => o.name),
    secretLifetime: p.secretLifetime,
    deviations: p.deviations.length,
  }));
}
