import type { CommandModule } from 'yargs';
import type { Deps } from '../core/deps.ts';
import { describeSignedIn, formatWhoAmI } from '../preflight/who-am-i.ts';
import type { CommandState } from './shared/command-state.ts';
import { signIn } from './shared/admin-sign-in.ts';
import { resolveConnection, trustCaFile, withTenantOptions, type TenantArgs } from './shared/connection.ts';

/**
 * `entra-mail login`: sign in once (device code in a terminal, or --auth browser) and remember it in
 * the user's cache directory, so the next commands do not ask again; `logout` forgets it.
 */
export function loginCommand(deps: Deps, state: CommandState): CommandModule<object, TenantArgs> {
  return {
    command: 'login',
    describe: 'Sign in and remember it for the next commands (device code or browser); prints who signed in',
    builder: (y) => withTenantOptions(y) as never,
    handler: async (args) => {
      state.json = Boolean(args.json);
      const connection = resolveConnection({ ...args, auth: args.auth ?? 'device-code' }, deps);
      await trustCaFile(args.caFile);
      const { token } = await signIn(connection, deps, { tokenCache: args.tokenCache });
      const who = describeSignedIn(token);
      const interactive = connection.authMode === 'device-code' || connection.authMode === 'browser';
      const { cacheDirectory, tokenCacheEnabled } = await import('../auth/token-cache.ts');
      const remembered = interactive && tokenCacheEnabled(deps.env, args.tokenCache);
      if (args.json)
        deps.stdout.write(
          `${JSON.stringify({ ...who, remembered, cacheDirectory: remembered ? cacheDirectory(deps.env) : null }, null, 2)}\n`,
        );
      else {
        deps.stdout.write(formatWhoAmI(who));
        deps.stdout.write(
          remembered
            ? `\nRemembered in ${cacheDirectory(deps.env)} (0600): the next commands with --auth ${connection.authMode} sign in without asking. entra-mail logout forgets it.\n`
            : `\nNothing to remember for --auth ${connection.authMode}: every command signs in the same way.\n`,
        );
      }
    },
  };
}

/** `entra-mail logout`: forget every remembered sign-in (MSAL's token cache and the account records). */
export function logoutCommand(deps: Deps, state: CommandState): CommandModule<object, { json?: boolean }> {
  return {
    command: 'logout',
    describe: 'Forget the remembered sign-ins: the next command asks again',
    builder: (y) => y.option('json', { type: 'boolean', default: false, describe: 'One JSON document on stdout' }) as never,
    handler: async (args) => {
      state.json = Boolean(args.json);
      const { cacheDirectory, forgetSignIns } = await import('../auth/token-cache.ts');
      const directory = cacheDirectory(deps.env);
      await forgetSignIns(directory);
      deps.stdout.write(
        args.json
          ? `${JSON.stringify({ signedOut: true, cacheDirectory: directory }, null, 2)}\n`
          : `Signed out: the remembered sign-ins in ${directory} are gone.\n`,
      );
    },
  };
}
