import type { Route, SandboxContext } from '../context.ts';

/** Exchange Online admin endpoint the sandbox's pwsh stand-in calls. (Being built: returns no routes yet.) */
export function exchangeRoutes(_ctx: SandboxContext): Route[] {
  return [];
}
