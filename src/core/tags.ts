import type { ModelName } from './models.ts';

/** The tool's tag on every app it manages, and the prefix of every credential it mints. */
export const MANAGED_TAG = 'entra-mail:managed';
export const MARKER_PREFIX = 'entra-mail:';

export function modelTag(model: ModelName): string {
  return `entra-mail:model:${model}`;
}

export function profileTag(profile: string): string {
  return `entra-mail:profile:${profile}`;
}
