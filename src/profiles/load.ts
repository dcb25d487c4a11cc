import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { MODEL_NAMES } from '../core/models.ts';
import { parseProfile } from './parse-profile.ts';
import { ProfileError } from './profile-error.ts';
import type { Profile } from './profile.ts';

// Two levels up from both src/profiles/ and dist/profiles/ is the package root, which ships
// templates/ (package.json "files").
const PROFILES_DIR = new URL('../../templates/profiles/', import.meta.url);
const OUTPUTS_DIR = new URL('../../templates/outputs/', import.meta.url);

/** Where profiles and their output templates are read from; tests point it at fixtures. */
export interface ProfileSources {
  profilesDir: URL;
  outputsDir: URL;
}

export const SHIPPED_PROFILE_SOURCES: ProfileSources = { profilesDir: PROFILES_DIR, outputsDir: OUTPUTS_DIR };

/**
 * Every profile under templates/profiles/, validated (ProfileError on any defect): product
 * profiles by name, then the generic ones in the models table's order.
 */
export function loadProfiles(sources: ProfileSources = SHIPPED_PROFILE_SOURCES): Profile[] {
  const files = readdirSync(sources.profilesDir).filter((f) => f.endsWith('.yaml'));
  const readTemplate = (name: string): string => readFileSync(new URL(name, sources.outputsDir), 'utf8');
  const profiles = files.map((file) => {
    let document: unknown;
    try {
      document = parse(readFileSync(new URL(file, sources.profilesDir), 'utf8'), { uniqueKeys: true, prettyErrors: true });
    } catch (error) {
      throw new ProfileError(file, '', `not valid YAML: ${(error as Error).message}`);
    }
    return parseProfile(document, file, readTemplate);
  });
  return profiles.sort(compareProfiles);
}

function compareProfiles(a: Profile, b: Profile): number {
  const rank = (p: Profile): number => (p.vendorGuide === null ? 1 + MODEL_NAMES.indexOf(p.model) : 0);
  return rank(a) - rank(b) || a.name.localeCompare(b.name);
}
