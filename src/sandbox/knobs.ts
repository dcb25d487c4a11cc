import type { SandboxKnobs } from './context.ts';

/** Knob defaults: a fast, well-behaved tenant (README.md#the-sandbox-tenant). */
export const DEFAULT_KNOBS: SandboxKnobs = {
  latencyMs: 0,
  replicationMs: 0,
  throttleEvery: 0,
  throttleRetryAfterSeconds: 1,
  failRate: 0,
};

export function resolveKnobs(overrides: Partial<SandboxKnobs> = {}): SandboxKnobs {
  const knobs = { ...DEFAULT_KNOBS };
  for (const [name, value] of Object.entries(overrides) as [keyof SandboxKnobs, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`sandbox knob ${name} must be a non-negative number`);
    knobs[name] = value;
  }
  if (knobs.failRate > 1) throw new RangeError('sandbox knob failRate must be between 0 and 1');
  return knobs;
}
