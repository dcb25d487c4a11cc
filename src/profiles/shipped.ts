import { loadProfiles } from './load.ts';
import type { Profile } from './profile.ts';

/**
 * The profiles this package ships, validated. In a checkout they are read from templates/profiles/
 * on each call; the build replaces this module with the result of the same call (scripts/build/
 * plugins.ts), so the packaged CLI neither reads nor parses a profile when it runs.
 */
export function readShippedProfiles(): Profile[] {
  return loadProfiles();
}
