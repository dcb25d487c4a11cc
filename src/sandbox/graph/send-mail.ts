import type { Route, SandboxContext } from '../context.ts';

/** Graph POST /users/{id}/sendMail as Exchange Online answers it. (Being built: returns no routes yet.) */
export function sendMailRoutes(_ctx: SandboxContext): Route[] {
  return [];
}
