import { UsageError } from '../core/errors.ts';
import type { Profile } from './profile.ts';
import { readShippedProfiles } from './shipped.ts';

/** The profile for `--profile NAME`; an unknown name is a UsageError listing the valid ones. */
export function getProfile(name: string, profiles: Profile[] = readShippedProfiles()): Profile {
  const found = profiles.find((p) => p.name === name);
  if (found) return found;
  throw new UsageError(`unknown profile '${name}'; valid names: ${profiles.map((p) => p.name).join(', ')}`, {
    flag: '--profile',
    suggestion: 'run `entra-mail profiles` to see what each one sets up',
  });
}
