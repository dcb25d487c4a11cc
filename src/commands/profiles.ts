import type { CommandModule } from 'yargs';
import type { Deps } from '../core/deps.ts';
import type { CommandState } from './shared/command-state.ts';

/** `entra-mail profiles`: the built-in product profiles, one line each. */
export function profilesCommand(deps: Deps, state: CommandState): CommandModule<object, { json?: boolean }> {
  return {
    command: 'profiles',
    describe: 'List the built-in product profiles and what each sets up',
    builder: (y) => y.option('json', { type: 'boolean', default: false, describe: 'JSON on stdout' }) as never,
    handler: async (args) => {
      state.json = Boolean(args.json);
      const { readShippedProfiles } = await import('../profiles/shipped.ts');
      const { formatProfilesList, profilesJson } = await import('../profiles/profiles-list.ts');
      const profiles = readShippedProfiles();
      deps.stdout.write(args.json ? `${JSON.stringify(profilesJson(profiles), null, 2)}\n` : formatProfilesList(profiles));
    },
  };
}
