import { UsageError } from '../../core/errors.ts';
import { recordedExchangeGrants } from '../../core/tags.ts';
import type { GraphGateway } from '../../graph/gateway.ts';
import { isManagedApplication } from '../../provision/application.ts';
import { findSelectedApplication, modelOf, parseAppSelector, profileOf } from '../shared/app-selector.ts';
import type { ProvisionArgs } from './options.ts';

/**
 * `provision --app <client id or unique name>`: converge an app entra-mail already manages without
 * retyping how it was made. Its unique name, display name, model, profile and mailboxes default to
 * what is recorded on it (tags, src/core/tags.ts); flags given still win. This is what the fix
 * commands `verify` prints use, so they need only what verify knows: the tenant and the client id.
 */
export function checkAppArgs(args: ProvisionArgs): void {
  if (args.app === undefined) return;
  parseAppSelector({ app: args.app });
  if (args.uniqueName !== undefined) throw new UsageError('Name the app one way: --app or --unique-name.', { flag: '--app' });
}

/** The arguments with the app's recorded values filled in where no flag was given. */
export async function argsForExistingApp(graph: GraphGateway, args: ProvisionArgs): Promise<ProvisionArgs> {
  if (args.app === undefined) return args;
  const app = await findSelectedApplication(graph, parseAppSelector({ app: args.app }), 'read');
  if (!isManagedApplication(app) || app.uniqueName === null) {
    throw new UsageError(`App ${app.appId} ('${app.displayName}') was not created by entra-mail, so --app cannot converge it.`, {
      flag: '--app',
    });
  }
  const recorded = recordedExchangeGrants(app.tags);
  return {
    ...args,
    uniqueName: app.uniqueName,
    name: args.name ?? app.displayName,
    model: args.model ?? modelOf(app, undefined),
    profile: args.profile ?? profileOf(app),
    mailbox: args.mailbox !== undefined && args.mailbox.length > 0 ? args.mailbox : recorded.mailboxes,
    sendAs: args.sendAs !== undefined && args.sendAs.length > 0 ? args.sendAs : recorded.sendAs,
  };
}
