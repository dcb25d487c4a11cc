import type { CommandModule } from 'yargs';
import type { Deps } from '../core/deps.ts';
import { describeSignedIn, formatWhoAmI } from '../preflight/who-am-i.ts';
import type { CommandState } from './shared/command-state.ts';
import { signIn } from './shared/admin-sign-in.ts';
import { resolveConnection, trustCaFile, withTenantOptions, type TenantArgs } from './shared/connection.ts';

/**
 * `entra-mail whoami`: sign in as every tenant command does and say who that is — tenant, user or
 * app, its directory roles or Graph permissions — and which models provision could set up with it.
 * Reads only: one token request, nothing else.
 */
export function whoamiCommand(deps: Deps, state: CommandState): CommandModule<object, TenantArgs> {
  return {
    command: 'whoami',
    describe: 'Who the sign-in is (tenant, user or app) and which roles each provision step needs and has',
    builder: (y) => withTenantOptions(y) as never,
    handler: async (args) => {
      state.json = Boolean(args.json);
      const connection = resolveConnection(args, deps);
      await trustCaFile(args.caFile);
      const { token } = await signIn(connection, deps, { tokenCache: args.tokenCache });
      const who = describeSignedIn(token);
      deps.stdout.write(args.json ? `${JSON.stringify(who, null, 2)}\n` : formatWhoAmI(who));
    },
  };
}
